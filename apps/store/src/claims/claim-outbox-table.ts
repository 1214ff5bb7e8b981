import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { queryRows } from '@app/database';
import { WarrantyClaim } from './warranty-claim.entity';

/** A claim the relay hands to the queue, with what its message carries. */
export type ClaimToPublish = Pick<WarrantyClaim, 'claimUid' | 'attempts' | 'requestId' | 'traceparent'>;

/**
 * warranty_claim as the transactional outbox of queued claims: which waiting claims the queue
 * has (`published`), and which it should have but apparently lost (overdue).
 */
@Injectable()
export class ClaimOutboxTable {
  constructor(@InjectRepository(WarrantyClaim) private readonly claims: Repository<WarrantyClaim>) {}

  async markPublished(claimUid: string, published: boolean): Promise<void> {
    await this.claims.update({ claimUid }, { published });
  }

  /**
   * Waiting claims to hand (again) to the queue, oldest first: those not published, once
   * `minAgeMs` old (younger ones are being published by their request right now), and those
   * overdue — published, but not tried for `overdueMs` past their next try (the broker lost the
   * message: a queue deleted, a broker restarted without its data). Each one taken is marked
   * published and due now, so that it is overdue again only if this publication is lost too.
   */
  async takeToPublish(limit: number, minAgeMs: number, overdueMs: number): Promise<ClaimToPublish[]> {
    const rows = await queryRows<{
      claim_uid: string;
      attempts: number;
      request_id: string | null;
      traceparent: string | null;
    }>(
      this.claims.manager,
      `WITH due AS (
         SELECT claim_uid FROM warranty_claim
         WHERE status = 'PENDING' AND (
           (NOT published AND updated_at <= clock_timestamp() - $2::int * interval '1 millisecond')
           OR (published AND next_attempt_at <= now() - $3::int * interval '1 millisecond'))
         ORDER BY created_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE warranty_claim AS claim SET published = TRUE, next_attempt_at = GREATEST(next_attempt_at, now())
       FROM due WHERE claim.claim_uid = due.claim_uid
       RETURNING claim.claim_uid, claim.attempts, claim.request_id, claim.traceparent`,
      [limit, minAgeMs, overdueMs],
    );
    return rows.map((row) => ({
      claimUid: row.claim_uid,
      attempts: row.attempts,
      requestId: row.request_id,
      traceparent: row.traceparent,
    }));
  }

  /** Milliseconds until the relay has something to do (0: now); undefined when no claim waits. */
  async msUntilNextDue(minAgeMs: number, overdueMs: number): Promise<number | undefined> {
    const [row] = await queryRows<{ wait_ms: number | null }>(
      this.claims.manager,
      `SELECT CEIL(EXTRACT(EPOCH FROM MIN(
                CASE WHEN published THEN next_attempt_at + $2::int * interval '1 millisecond'
                     ELSE updated_at + $1::int * interval '1 millisecond' END) - now()) * 1000)::int AS wait_ms
       FROM warranty_claim WHERE status = 'PENDING'`,
      [minAgeMs, overdueMs],
    );
    const waitMs = row?.wait_ms;
    return waitMs === null || waitMs === undefined ? undefined : Math.max(0, waitMs);
  }
}
