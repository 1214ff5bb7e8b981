import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { WarrantyDecision, WarrantyDecisionResponse } from '@app/contracts';
import { queryRows } from '@app/database';
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

const MAX_ERROR_LENGTH = 1024;

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

/**
 * The warranty_claim table: the store's record of each claim, its outbox and (without a broker)
 * its queue. Every write is one statement, and the conditional ones only move a claim forward
 * (PENDING → DONE | FAILED), so duplicate deliveries cannot undo a decision. No statement is held
 * open across a call to another service.
 */
@Injectable()
export class ClaimsRepository {
  constructor(@InjectRepository(WarrantyClaim) private readonly claims: Repository<WarrantyClaim>) {}

  find(claimUid: string): Promise<WarrantyClaim | null> {
    return this.claims.findOneBy({ claimUid });
  }

  findPendingOf(orderUid: string): Promise<WarrantyClaim | null> {
    return this.claims.findOneBy({ orderUid, status: ClaimStatus.PENDING });
  }

  /**
   * Stores a claim to be tried later; when the order has a waiting claim already (a parallel
   * request won), that one is returned instead and nothing is written.
   */
  async insertPending(claim: NewPendingClaim): Promise<WarrantyClaim> {
    const inserted = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `INSERT INTO warranty_claim
         (claim_uid, order_uid, user_uid, reason, status, attempts, last_error, next_attempt_at, published)
       VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, now() + $7::int * interval '1 millisecond', FALSE)
       ON CONFLICT (order_uid) WHERE status = 'PENDING' DO NOTHING
       RETURNING claim_uid`,
      [
        claim.claimUid,
        claim.orderUid,
        claim.userUid,
        claim.reason,
        claim.attempts,
        clip(claim.lastError),
        claim.delayMs,
      ],
    );
    const stored = await (inserted.length > 0
      ? this.find(claim.claimUid)
      : this.findPendingOf(claim.orderUid));
    if (!stored) throw new Error(`Claim of order '${claim.orderUid}' vanished while being queued`);
    return stored;
  }

  /** A claim decided at once (not queued): kept so that the order view shows the latest claim. */
  async insertDone(
    claim: Omit<NewPendingClaim, 'attempts' | 'lastError' | 'delayMs'>,
    result: WarrantyDecisionResponse,
  ): Promise<void> {
    await this.claims.insert({
      ...claim,
      status: ClaimStatus.DONE,
      decision: result.decision,
      warrantyDate: new Date(result.warrantyDate),
      attempts: 0,
      published: true,
    });
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

  /** PENDING → FAILED, for a claim that can never succeed. */
  async markFailed(claimUid: string, error: string): Promise<boolean> {
    const rows = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `UPDATE warranty_claim SET status = 'FAILED', last_error = $2, updated_at = clock_timestamp()
       WHERE claim_uid = $1 AND status = 'PENDING'
       RETURNING claim_uid`,
      [claimUid, clip(error)],
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
       WHERE claim_uid = $1 AND status = 'PENDING'
       RETURNING claim_uid`,
      [claimUid, attempts, clip(error), delayMs],
    );
  }

  async markPublished(claimUid: string, published = true): Promise<void> {
    await this.claims.update({ claimUid }, { published });
  }

  /** Waiting claims the queue does not have, oldest first, written at least `minAgeMs` ago. */
  async unpublished(limit: number, minAgeMs: number): Promise<string[]> {
    const rows = await queryRows<{ claim_uid: string }>(
      this.claims.manager,
      `SELECT claim_uid FROM warranty_claim
       WHERE status = 'PENDING' AND NOT published
         AND updated_at <= clock_timestamp() - $2::int * interval '1 millisecond'
       ORDER BY created_at
       LIMIT $1`,
      [limit, minAgeMs],
    );
    return rows.map((row) => row.claim_uid);
  }

  countUnpublished(): Promise<number> {
    return this.claims.countBy({ status: ClaimStatus.PENDING, published: false });
  }

  /** The embedded queue's take: due waiting claims, earliest first, leased for `leaseMs`. */
  async leaseDue(limit: number, leaseMs: number): Promise<string[]> {
    const rows = await queryRows<{ claim_uid: string; due_at: Date | string }>(
      this.claims.manager,
      `WITH due AS (
         SELECT claim_uid, next_attempt_at AS due_at FROM warranty_claim
         WHERE status = 'PENDING' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE warranty_claim AS claim
       SET next_attempt_at = now() + $2::int * interval '1 millisecond'
       FROM due WHERE claim.claim_uid = due.claim_uid
       RETURNING claim.claim_uid, due.due_at`,
      [limit, leaseMs],
    );
    return rows
      .sort((a, b) => new Date(a.due_at).getTime() - new Date(b.due_at).getTime())
      .map((row) => row.claim_uid);
  }

  async nextDueAt(): Promise<Date | null> {
    const [row] = await queryRows<{ due_at: Date | string | null }>(
      this.claims.manager,
      `SELECT min(next_attempt_at) AS due_at FROM warranty_claim WHERE status = 'PENDING'`,
    );
    return row?.due_at ? new Date(row.due_at) : null;
  }

  /** The state of the order's latest claim, or null when it has none. */
  async latestOf(orderUid: string): Promise<ClaimState | null> {
    const claim = await this.claims.findOne({
      where: { orderUid },
      order: { createdAt: 'DESC' },
      select: { status: true, decision: true },
    });
    return claim ? { status: claim.status, decision: claim.decision } : null;
  }
}
