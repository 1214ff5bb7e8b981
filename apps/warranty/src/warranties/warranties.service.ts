import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import {
  WarrantyClaimRequest,
  WarrantyDecisionResponse,
  WarrantyResponse,
  WarrantyStatus,
} from '@app/contracts';
import { queryRows } from '@app/database';
import { NotFoundError, UnprocessableError } from '@app/errors';
import { WarrantyConfig } from '../warranty.config';
import { ClaimDecision } from './claim-decision.entity';
import { decideClaim, statusAfter, WarrantyTerms } from './warranty-decision';
import { Warranty } from './warranty.entity';

function notFound(itemUid: string): NotFoundError {
  return new NotFoundError(`Warranty not found for itemUid '${itemUid}'`);
}

function toResponse(warranty: Pick<Warranty, 'itemUid' | 'warrantyDate' | 'status'>): WarrantyResponse {
  return {
    itemUid: warranty.itemUid,
    warrantyDate: warranty.warrantyDate.toISOString(),
    status: warranty.status,
  };
}

/** A warranty that exists for the outside world: started and not voided. */
const LIVE = { voidedAt: IsNull() };

@Injectable()
export class WarrantiesService {
  constructor(
    @InjectRepository(Warranty) private readonly warranties: Repository<Warranty>,
    private readonly config: WarrantyConfig,
  ) {}

  /** Idempotent: starting an existing warranty again changes nothing, nor does starting a voided one. */
  async start(itemUid: string): Promise<void> {
    await queryRows(
      this.warranties.manager,
      'INSERT INTO warranty (item_uid, status, warranty_date) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [itemUid, WarrantyStatus.ON_WARRANTY, new Date()],
    );
  }

  /**
   * The undo of a start (a purchase rolled back): the warranty is voided, and if the start has
   * not arrived yet a voided mark is written in its place, so that the start does nothing when it
   * does arrive. Idempotent.
   */
  async void(itemUid: string): Promise<void> {
    await queryRows(
      this.warranties.manager,
      `INSERT INTO warranty (item_uid, warranty_date, status, voided_at)
       VALUES ($1, now(), $2, now())
       ON CONFLICT (item_uid) DO UPDATE SET voided_at = COALESCE(warranty.voided_at, now())
       RETURNING id`,
      [itemUid, WarrantyStatus.REMOVED_FROM_WARRANTY],
    );
  }

  /** Hot read (every order view): plain SQL, without the query builder's cost per call. */
  async find(itemUid: string): Promise<WarrantyResponse> {
    const [warranty] = await this.findLive([itemUid]);
    if (!warranty) throw notFound(itemUid);
    return warranty;
  }

  /** The warranties among these items that exist, in one query (the order list's batch read). */
  findMany(itemUids: string[]): Promise<WarrantyResponse[]> {
    return this.findLive(itemUids);
  }

  private async findLive(itemUids: string[]): Promise<WarrantyResponse[]> {
    const rows = await queryRows<Pick<Warranty, 'itemUid' | 'warrantyDate' | 'status'>>(
      this.warranties.manager,
      `SELECT item_uid AS "itemUid", warranty_date AS "warrantyDate", status
         FROM warranty WHERE item_uid = ANY($1::uuid[]) AND voided_at IS NULL`,
      [itemUids],
    );
    return rows.map(toResponse);
  }

  /**
   * Decides a claim and records it; the row lock serialises claims on one item. A claim whose
   * idempotency key was decided before (a retry) is answered with that decision and changes
   * nothing — whatever was decided on the item since. Plain SQL, as the other hot paths: the
   * query builder cost CPU on every claim and bought nothing here.
   */
  async claim(
    itemUid: string,
    claim: WarrantyClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    return this.warranties.manager.transaction(async (manager) => {
      const [warranty] = await queryRows<WarrantyTerms & { id: number }>(
        manager,
        `SELECT id, status, warranty_date AS "warrantyDate" FROM warranty
          WHERE item_uid = $1 AND voided_at IS NULL FOR UPDATE`,
        [itemUid],
      );
      if (!warranty) throw notFound(itemUid);
      if (idempotencyKey !== undefined) {
        const [decided] = await queryRows<Pick<ClaimDecision, 'itemUid' | 'decision' | 'warrantyDate'>>(
          manager,
          `SELECT item_uid AS "itemUid", decision, warranty_date AS "warrantyDate"
             FROM warranty_claim_decision WHERE claim_key = $1`,
          [idempotencyKey],
        );
        if (decided) {
          if (decided.itemUid !== itemUid) {
            throw new UnprocessableError('This Idempotency-Key was used for a claim on another item');
          }
          return { warrantyDate: decided.warrantyDate.toISOString(), decision: decided.decision };
        }
      }
      const decision = decideClaim(
        warranty,
        claim.availableCount,
        new Date(),
        this.config.WARRANTY_PERIOD_DAYS,
      );
      await queryRows(manager, 'UPDATE warranty SET status = $2, comment = $3 WHERE id = $1', [
        warranty.id,
        statusAfter(decision),
        claim.reason,
      ]);
      if (idempotencyKey !== undefined) {
        await queryRows(
          manager,
          `INSERT INTO warranty_claim_decision (claim_key, item_uid, decision, warranty_date)
           VALUES ($1, $2, $3, $4)`,
          [idempotencyKey, itemUid, decision, warranty.warrantyDate],
        );
      }
      return { warrantyDate: warranty.warrantyDate.toISOString(), decision };
    });
  }

  /** Idempotent: closing a closed warranty again answers the same. */
  async close(itemUid: string): Promise<void> {
    const result = await this.warranties.update(
      { itemUid, ...LIVE },
      { status: WarrantyStatus.REMOVED_FROM_WARRANTY },
    );
    if (!result.affected) throw notFound(itemUid);
  }
}
