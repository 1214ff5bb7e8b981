import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  WarrantyClaimRequest,
  WarrantyDecisionResponse,
  WarrantyResponse,
  WarrantyStatus,
} from '@app/contracts';
import { NotFoundError } from '@app/errors';
import { WarrantyConfig } from '../warranty.config';
import { decideClaim, statusAfter } from './warranty-decision';
import { Warranty } from './warranty.entity';

function notFound(itemUid: string): NotFoundError {
  return new NotFoundError(`Warranty not found for itemUid '${itemUid}'`);
}

@Injectable()
export class WarrantiesService {
  constructor(
    @InjectRepository(Warranty) private readonly warranties: Repository<Warranty>,
    private readonly config: WarrantyConfig,
  ) {}

  /** Idempotent: starting an existing warranty again changes nothing. */
  async start(itemUid: string): Promise<void> {
    await this.warranties
      .createQueryBuilder()
      .insert()
      .values({ itemUid, status: WarrantyStatus.ON_WARRANTY, warrantyDate: new Date() })
      .orIgnore()
      .execute();
  }

  async find(itemUid: string): Promise<WarrantyResponse> {
    const warranty = await this.warranties.findOneBy({ itemUid });
    if (!warranty) throw notFound(itemUid);
    return {
      itemUid: warranty.itemUid,
      warrantyDate: warranty.warrantyDate.toISOString(),
      status: warranty.status,
    };
  }

  /**
   * Decides a claim and records it; the row lock serialises concurrent claims on one item. A claim
   * with the idempotency key of the last decided one is that claim again (a retry): it is answered
   * with the recorded decision and changes nothing.
   */
  async claim(
    itemUid: string,
    claim: WarrantyClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    return this.warranties.manager.transaction(async (manager) => {
      const warranty = await manager.findOne(Warranty, {
        where: { itemUid },
        lock: { mode: 'pessimistic_write' },
      });
      if (!warranty) throw notFound(itemUid);
      const warrantyDate = warranty.warrantyDate.toISOString();
      if (idempotencyKey !== undefined && warranty.claimKey === idempotencyKey && warranty.decision) {
        return { warrantyDate, decision: warranty.decision };
      }
      const decision = decideClaim(
        warranty,
        claim.availableCount,
        new Date(),
        this.config.WARRANTY_PERIOD_DAYS,
      );
      await manager.update(Warranty, warranty.id, {
        status: statusAfter(decision),
        comment: claim.reason,
        claimKey: idempotencyKey ?? null,
        decision,
      });
      return { warrantyDate, decision };
    });
  }

  /** Idempotent: closing a closed warranty again answers the same. */
  async close(itemUid: string): Promise<void> {
    const result = await this.warranties.update(
      { itemUid },
      { status: WarrantyStatus.REMOVED_FROM_WARRANTY },
    );
    if (!result.affected) throw notFound(itemUid);
  }
}
