import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Size } from '@app/contracts';

export enum SagaKind {
  PURCHASE = 'PURCHASE',
  REFUND = 'REFUND',
}

/**
 * Where a saga is (see README.md):
 * - STARTED: its compensable steps run (a purchase's take and warranty start);
 * - COMPENSATING: a compensable step failed, or its process died (found stale): being undone;
 * - ROLLED_BACK: undone, or nothing was done (the first step was refused);
 * - COMMITTED: past its pivot (the order's own transaction): its remaining steps are retried
 *   forward until they have run — a refund's return of the item and close of the warranty;
 * - COMPLETED: every step ran.
 */
export enum SagaState {
  STARTED = 'STARTED',
  COMPENSATING = 'COMPENSATING',
  ROLLED_BACK = 'ROLLED_BACK',
  COMMITTED = 'COMMITTED',
  COMPLETED = 'COMPLETED',
}

/**
 * The durable journal entry of one purchase or refund: what it set out to do and how far it
 * got, so that a failure, or a crash of the process, can always be undone or finished later.
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

  /** The item's model and size (a purchase's re-take needs them; a refund records them if known). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  model!: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  size!: Size | null;

  /**
   * The warehouse's orderItemUid: a purchase records it at its pivot (a compensation asks
   * warehouse for it instead); a refund from the start; sagas of an earlier version once taken.
   */
  @Column({ name: 'item_uid', type: 'uuid', nullable: true })
  itemUid!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: SagaState;

  /**
   * The caller's Idempotency-Key: a repeated request with it is answered from this saga instead
   * of running a second one (unique among the sagas of a kind that were not rolled back).
   */
  @Column({ name: 'request_key', type: 'uuid', nullable: true })
  requestKey!: string | null;

  /** Recovery attempts so far (backward or forward); drives the back-off. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** When the next recovery attempt is due (COMPENSATING and COMMITTED only). */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** While in the future, one process is working on this saga and no other may. */
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
