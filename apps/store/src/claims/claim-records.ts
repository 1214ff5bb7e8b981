import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { WarrantyDecision, WarrantyDecisionResponse } from '@app/contracts';
import { queryRows } from '@app/database';
import { clipErrorText } from '@app/errors';
import { currentContext, currentTraceparent } from '@app/request-context';
import { ClaimStatus, WarrantyClaim } from './warranty-claim.entity';

export interface NewPendingClaim {
  claimUid: string;
  orderUid: string;
  userUid: string;
  reason: string;
  /** Failed tries so far (the synchronous one). */
  attempts: number;
  lastError: string;
  /** When it is tried next. */
  delayMs: number;
}

export interface ClaimState {
  status: ClaimStatus;
  decision: WarrantyDecision | null;
}

/**
 * The claims themselves in the table warranty_claim: the record of each claim and its way from
 * PENDING to DONE or FAILED. Every write is one statement, and the conditional ones only move a
 * claim forward, so duplicate deliveries cannot undo a decision. No statement is held open
 * across a call to another service. (The same table is the outbox, `ClaimOutboxTable`, and
 * without a broker the queue, `ClaimQueueTable`.)
 */
@Injectable()
export class ClaimRecords {
  constructor(@InjectRepository(WarrantyClaim) private readonly claims: Repository<WarrantyClaim>) {}

  find(claimUid: string): Promise<WarrantyClaim | null> {
    return this.claims.findOneBy({ claimUid });
  }

  findPendingOf(orderUid: string): Promise<WarrantyClaim | null> {
    return this.claims.findOneBy({ orderUid, status: ClaimStatus.PENDING });
  }

  /** Whether the order has a waiting claim (every claim asks: plain SQL, as the other hot paths). */
  async hasPending(orderUid: string): Promise<boolean> {
    const rows = await queryRows(
      this.claims.manager,
      `SELECT 1 FROM warranty_claim WHERE order_uid = $1 AND status = 'PENDING'`,
      [orderUid],
    );
    return rows.length > 0;
  }

  /**
   * Stores a claim to be tried later; when the order has a waiting claim already (a parallel
   * request won), that one is returned instead and nothing is written.
   */
  async insertPending(claim: NewPendingClaim): Promise<WarrantyClaim> {
    const inserted = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `INSERT INTO warranty_claim
           (claim_uid, order_uid, user_uid, reason, status, attempts, last_error, next_attempt_at, published,
          request_id, traceparent)
       VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, now() + $7::int * interval '1 millisecond', FALSE, $8, $9)
       ON CONFLICT (order_uid) WHERE status = 'PENDING' DO NOTHING
       RETURNING claim_uid`,
      [
        claim.claimUid,
        claim.orderUid,
        claim.userUid,
        claim.reason,
        claim.attempts,
        clipErrorText(claim.lastError),
        claim.delayMs,
        currentContext()?.requestId ?? null,
        currentTraceparent() ?? null,
      ],
    );
    const stored = await (inserted.length > 0
      ? this.find(claim.claimUid)
      : this.findPendingOf(claim.orderUid));
    if (!stored) throw new Error(`Claim of order '${claim.orderUid}' vanished while being queued`);
    return stored;
  }

  /**
   * A claim decided at once (not queued): kept so that the order view shows the latest claim.
   * Every claim decided at once writes it: plain SQL, as the other hot paths.
   */
  async insertDone(
    claim: Omit<NewPendingClaim, 'attempts' | 'lastError' | 'delayMs'>,
    result: WarrantyDecisionResponse,
  ): Promise<void> {
    // Nothing written when an earlier attempt recorded the same claim (same key, same claim_uid).
    await queryRows(
      this.claims.manager,
      `INSERT INTO warranty_claim
           (claim_uid, order_uid, user_uid, reason, status, decision, warranty_date, attempts, published,
            request_id, traceparent)
       VALUES ($1, $2, $3, $4, 'DONE', $5, $6, 0, TRUE, $7, $8)
       ON CONFLICT DO NOTHING`,
      [
        claim.claimUid,
        claim.orderUid,
        claim.userUid,
        claim.reason,
        result.decision,
        new Date(result.warrantyDate),
        currentContext()?.requestId ?? null,
        currentTraceparent() ?? null,
      ],
    );
  }

  /** PENDING → DONE; false when it was not pending any more (a duplicate delivery got there first). */
  async markDone(claimUid: string, result: WarrantyDecisionResponse): Promise<boolean> {
    const rows = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `UPDATE warranty_claim
       SET status = 'DONE', decision = $2, warranty_date = $3, last_error = NULL, updated_at = clock_timestamp()
       WHERE claim_uid = $1 AND status = 'PENDING'
       RETURNING claim_uid`,
      [claimUid, result.decision, result.warrantyDate],
    );
    return rows.length > 0;
  }

  /** PENDING → FAILED, for a claim that can never succeed: a dead letter. */
  async markFailed(claimUid: string, error: string): Promise<boolean> {
    const rows = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `UPDATE warranty_claim SET status = 'FAILED', last_error = $2, updated_at = clock_timestamp()
       WHERE claim_uid = $1 AND status = 'PENDING'
       RETURNING claim_uid`,
      [claimUid, clipErrorText(error)],
    );
    return rows.length > 0;
  }

  /** Another failed try: counted, and the next one planned after the back-off. */
  async markRetry(claimUid: string, attempts: number, delayMs: number, error: string): Promise<void> {
    await queryRows(
      this.claims.manager,
      `UPDATE warranty_claim
       SET attempts = $2, last_error = $3, next_attempt_at = now() + $4::int * interval '1 millisecond',
           updated_at = clock_timestamp()
       WHERE claim_uid = $1 AND status = 'PENDING'`,
      [claimUid, attempts, clipErrorText(error), delayMs],
    );
  }

  /** The state of each order's latest claim, in one query; orders without a claim are left out. */
  async latestOf(orderUids: string[]): Promise<Map<string, ClaimState>> {
    if (orderUids.length === 0) return new Map();
    const rows = await queryRows<{
      order_uid: string;
      status: ClaimStatus;
      decision: WarrantyDecision | null;
    }>(
      this.claims.manager,
      `SELECT DISTINCT ON (order_uid) order_uid, status, decision FROM warranty_claim
       WHERE order_uid = ANY($1::uuid[])
       ORDER BY order_uid, created_at DESC`,
      [orderUids],
    );
    return new Map(rows.map((row) => [row.order_uid, { status: row.status, decision: row.decision }]));
  }

  /** Dead claims (FAILED), oldest first. */
  listFailed(): Promise<WarrantyClaim[]> {
    return this.claims.find({ where: { status: ClaimStatus.FAILED }, order: { updatedAt: 'ASC' } });
  }

  /**
   * FAILED → PENDING, due now and not yet published (the outbox relay publishes it): one claim,
   * or all of them. A claim whose order has another claim waiting stays FAILED (one waiting
   * claim per order). Returns the uids put back.
   */
  async replayFailed(claimUid?: string): Promise<string[]> {
    const rows = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `UPDATE warranty_claim AS claim
       SET status = 'PENDING', attempts = 0, last_error = NULL, next_attempt_at = now(), published = FALSE,
           updated_at = clock_timestamp()
       WHERE status = 'FAILED' AND ($1::uuid IS NULL OR claim_uid = $1::uuid)
         AND NOT EXISTS (
           SELECT 1 FROM warranty_claim AS waiting WHERE waiting.order_uid = claim.order_uid AND waiting.status = 'PENDING'
         )
         -- Of several dead claims of one order, the latest: it is the one the order view shows.
         AND claim.claim_uid = (
           SELECT latest.claim_uid FROM warranty_claim AS latest
           WHERE latest.order_uid = claim.order_uid AND latest.status = 'FAILED'
           ORDER BY latest.created_at DESC LIMIT 1
         )
       RETURNING claim_uid`,
      [claimUid ?? null],
    );
    return rows.map((row) => row.claim_uid);
  }

  /** How many claims are in each status (for metrics and the operations page). */
  async countByStatus(): Promise<Record<ClaimStatus, number>> {
    const rows = await queryRows<{ status: ClaimStatus; count: number }>(
      this.claims.manager,
      'SELECT status, count(*)::int AS count FROM warranty_claim GROUP BY status',
    );
    const counts = { [ClaimStatus.PENDING]: 0, [ClaimStatus.DONE]: 0, [ClaimStatus.FAILED]: 0 };
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }
}
