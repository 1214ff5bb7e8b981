import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum RecordState {
  /** The first request with the key is being worked on (by the instance that holds the lease). */
  RUNNING = 'RUNNING',
  /** Finished: `status`, `body` and `location` are its answer, replayed to a repeat. */
  DONE = 'DONE',
}

/** One Idempotency-Key of one user; see the migration. */
@Entity({ name: 'idempotency_record' })
export class IdempotencyRecord {
  @PrimaryColumn({ name: 'user_uid', type: 'uuid' })
  userUid!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 of method, path and body: a repeat with another request is a 422. */
  @Column({ type: 'char', length: 64 })
  fingerprint!: string;

  /** Stands for the key in the calls the request makes: the same for every attempt, new after expiry. */
  @Column({ name: 'downstream_key', type: 'uuid' })
  downstreamKey!: string;

  /** The attempt that holds the record now; only it may settle it. */
  @Column({ name: 'lease_token', type: 'uuid', nullable: true })
  leaseToken!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: RecordState;

  @Column({ type: 'int', nullable: true })
  status!: number | null;

  /** The answer's JSON body; null for a 204. */
  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  location!: string | null;

  /**
   * While RUNNING: until when the attempt that holds it is presumed alive. An attempt that ended
   * without an answer to keep (a 503) lets go of it at once, for a repeat to take it over.
   */
  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
