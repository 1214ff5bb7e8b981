import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Size } from '@app/contracts';

export enum SagaKind {
  PURCHASE = 'PURCHASE',
  REFUND = 'REFUND',
}

/**
 * STARTED → COMPLETED when every step ran (the order row is written in the same transaction);
 * STARTED → COMPENSATING when a step failed, or when the process running it died (found stale);
 * COMPENSATING → ROLLED_BACK once every compensating step has run. A failed purchase whose
 * first step was answered with 404/409 goes STARTED → ROLLED_BACK: nothing was done.
 */
export enum SagaState {
  STARTED = 'STARTED',
  COMPENSATING = 'COMPENSATING',
  COMPLETED = 'COMPLETED',
  ROLLED_BACK = 'ROLLED_BACK',
}

/**
 * The durable journal entry of one purchase or refund: what it set out to do and how far it
 * got, so that a failure, or a crash of the process, can always be undone later.
 */
@Entity({ name: 'order_saga' })
export class OrderSaga {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  kind!: SagaKind;

  /** The order bought (a fresh uid, no order row until COMPLETED) or refunded. */
  @Column({ name: 'order_uid', type: 'uuid' })
  orderUid!: string;

  @Column({ name: 'user_uid', type: 'uuid' })
  userUid!: string;

  /** Model and size of the item: re-taking an item from warehouse needs them. */
  @Column({ type: 'varchar', length: 255 })
  model!: string;

  @Column({ type: 'varchar', length: 255 })
  size!: Size;

  /** The warehouse's orderItemUid, once known. */
  @Column({ name: 'item_uid', type: 'uuid', nullable: true })
  itemUid!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: SagaState;

  /** Compensation attempts so far; drives the back-off. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** When the next compensation attempt is due (COMPENSATING only). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** While in the future, one process is compensating this saga and no other may. */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Every step of a STARTED saga touches it: a STARTED saga not touched for long was abandoned. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
