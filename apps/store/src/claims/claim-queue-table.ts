import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { queryRows } from '@app/database';
import { WarrantyClaim } from './warranty-claim.entity';

/** warranty_claim as the embedded queue (no broker): due waiting claims are taken with a lease. */
@Injectable()
export class ClaimQueueTable {
  constructor(@InjectRepository(WarrantyClaim) private readonly claims: Repository<WarrantyClaim>) {}

  /**
   * Due waiting claims, earliest first, leased for `leaseMs` (their next try moved that far
   * ahead). SKIP LOCKED: instances leasing at the same moment pass over each other's rows.
   */
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
}
