import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WarrantyDecision } from '@app/contracts';

export enum ClaimStatus {
  /** Waiting for warehouse or warranty to come back. */
  PENDING = 'PENDING',
  /** Decided. */
  DONE = 'DONE',
  /** Can never succeed (e.g. the order or its warranty does not exist); dead-lettered. */
  FAILED = 'FAILED',
}

/** One warranty claim of the store (#3); see the migration for the outbox columns. */
@Entity({ name: 'warranty_claim' })
export class WarrantyClaim {
  /** Also the claim's Idempotency-Key towards order, warehouse and warranty. */
  @PrimaryColumn({ name: 'claim_uid', type: 'uuid' })
  claimUid!: string;

  @Column({ name: 'order_uid', type: 'uuid' })
  orderUid!: string;

  @Column({ name: 'user_uid', type: 'uuid' })
  userUid!: string;

  @Column({ type: 'varchar', length: 1024 })
  reason!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ClaimStatus;

  @Column({ type: 'varchar', length: 16, nullable: true })
  decision!: WarrantyDecision | null;

  @Column({ name: 'warranty_date', type: 'timestamptz', nullable: true })
  warrantyDate!: Date | null;

  /** Failed tries so far (the synchronous one included). */
  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 1024, nullable: true })
  lastError!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  /** Whether the queue has it; unpublished waiting claims are published by the relay. */
  @Column({ type: 'boolean' })
  published!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
