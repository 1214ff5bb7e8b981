import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WarrantyDecision } from '@app/contracts';
import { RequestContext } from '@app/request-context';

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

  /** The id of the request that made the claim: every try logs under it. */
  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  /** That request's W3C trace context: every try joins its trace. */
  @Column({ type: 'varchar', length: 55, nullable: true })
  traceparent!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The context a claim's work runs in: the request that made it (or, for older rows, a new id). */
export function contextOfClaim(
  claim: Pick<WarrantyClaim, 'claimUid' | 'requestId' | 'traceparent'>,
): RequestContext {
  return { requestId: claim.requestId ?? claim.claimUid, traceparent: claim.traceparent ?? undefined };
}
