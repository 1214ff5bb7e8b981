import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ClaimRequest, WarrantyDecisionResponse } from '@app/contracts';
import { describeError, ServiceUnavailableError } from '@app/errors';
import { RetrySchedule } from '@app/messaging';
import { OrderClient, WarehouseClient, WarrantyClient } from '@app/service-client';
import { StoreClaimResponse } from '../orders/dto/order-view.dto';
import { ClaimsOutbox } from './claims.outbox';
import { ClaimsRepository } from './claims.repository';
import { StoreClaimAcceptedResponse } from './dto/claim.dto';
import { WarrantyClaim } from './warranty-claim.entity';

/** The services whose absence queues a claim instead of failing it (order's absence is a 503). */
const QUEUE_WHEN_DOWN: ReadonlySet<string> = new Set([
  WarehouseClient.serviceName,
  WarrantyClient.serviceName,
]);

export type ClaimAnswer =
  { queued: false; body: StoreClaimResponse } | { queued: true; body: StoreClaimAcceptedResponse };

/**
 * Request #3. The claim is tried at once; when warehouse or warranty is down it is stored
 * (committed) and queued, and the customer gets 202 PENDING. The claim's id travels as
 * Idempotency-Key from the first try on, so a first try that was decided although its answer got
 * lost is not decided a second time by the queued retries.
 */
@Injectable()
export class ClaimsService {
  private readonly logger = new Logger('WarrantyClaims');

  constructor(
    private readonly orders: OrderClient,
    private readonly records: ClaimsRepository,
    private readonly outbox: ClaimsOutbox,
    private readonly schedule: RetrySchedule,
  ) {}

  async claim(userUid: string, orderUid: string, claim: ClaimRequest): Promise<ClaimAnswer> {
    await this.orders.find(userUid, orderUid);
    const waiting = await this.records.findPendingOf(orderUid);
    // A claim behind a waiting one would overtake it; the customer is told about the waiting one.
    if (waiting) return this.accepted(waiting, waiting.lastError ?? 'A claim for this order is waiting');

    const claimUid = randomUUID();
    let result: WarrantyDecisionResponse;
    try {
      result = await this.orders.claimWarranty(orderUid, claim, claimUid);
    } catch (error) {
      if (error instanceof ServiceUnavailableError && QUEUE_WHEN_DOWN.has(error.serviceName)) {
        return this.queue({ claimUid, orderUid, userUid, reason: claim.reason }, error);
      }
      throw error;
    }
    await this.recordDecided({ claimUid, orderUid, userUid, reason: claim.reason }, result);
    return {
      queued: false,
      body: { orderUid, warrantyDate: result.warrantyDate, decision: result.decision },
    };
  }

  private async queue(
    claim: Pick<WarrantyClaim, 'claimUid' | 'orderUid' | 'userUid' | 'reason'>,
    error: ServiceUnavailableError,
  ): Promise<ClaimAnswer> {
    const stored = await this.records.insertPending({
      ...claim,
      attempts: 1,
      lastError: error.message,
      delayMs: this.schedule.delayAfter(1),
    });
    if (stored.claimUid === claim.claimUid) {
      this.logger.log(`Claim '${claim.claimUid}' of order '${claim.orderUid}' queued: ${error.message}`);
      await this.outbox.dispatch(claim.claimUid, 1);
    }
    return this.accepted(stored, error.message);
  }

  private accepted(claim: WarrantyClaim, why: string): ClaimAnswer {
    return {
      queued: true,
      body: {
        orderUid: claim.orderUid,
        decision: 'PENDING',
        message: `${why}: the claim is queued and will be decided as soon as the service is back; the order shows its state`,
      },
    };
  }

  /** Best effort: the decision is taken and answered even if the store cannot note it. */
  private async recordDecided(
    claim: Pick<WarrantyClaim, 'claimUid' | 'orderUid' | 'userUid' | 'reason'>,
    result: WarrantyDecisionResponse,
  ): Promise<void> {
    try {
      await this.records.insertDone(claim, result);
    } catch (error) {
      this.logger.warn(`Claim '${claim.claimUid}' decided but not recorded: ${describeError(error)}`);
    }
  }
}
