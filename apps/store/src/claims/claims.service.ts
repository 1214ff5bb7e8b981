import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ClaimRequest, WarrantyDecision, WarrantyDecisionResponse } from '@app/contracts';
import { ConflictError, describeError, ServiceUnavailableError } from '@app/errors';
import { RetrySchedule } from '@app/scheduling';
import { OrderClient, WarehouseClient, WarrantyClient } from '@app/service-client';
import { StoreClaimResponse } from '../orders/dto/order-view.dto';
import { ClaimRecords } from './claim-records';
import { ClaimsOutbox } from './claims-outbox';
import { StoreClaimAcceptedResponse } from './dto/claim.dto';
import { ClaimStatus, WarrantyClaim } from './warranty-claim.entity';

/** The services whose absence queues a claim instead of failing it (order's absence is a 503). */
const QUEUE_WHEN_DOWN: ReadonlySet<string> = new Set([
  WarehouseClient.serviceName,
  WarrantyClient.serviceName,
]);

export type ClaimAnswer =
  { queued: false; body: StoreClaimResponse } | { queued: true; body: StoreClaimAcceptedResponse };

function waitingClaim(orderUid: string): ConflictError {
  return new ConflictError(`A warranty claim of order '${orderUid}' is waiting to be decided; see the order`);
}

type ClaimIdentity = Pick<WarrantyClaim, 'claimUid' | 'orderUid' | 'userUid' | 'reason'>;

/**
 * Request #3. The claim is tried at once; when warehouse or warranty is down it is stored
 * (committed) and queued, and the customer gets 202 PENDING. The claim's id travels as
 * Idempotency-Key from the first try on, so a first try that was decided although its answer got
 * lost is not decided a second time by the queued retries — nor by a repeat of the customer's
 * request with the same key, whose claim id is the same.
 */
@Injectable()
export class ClaimsService {
  private readonly logger = new Logger('WarrantyClaims');

  constructor(
    private readonly orders: OrderClient,
    private readonly records: ClaimRecords,
    private readonly outbox: ClaimsOutbox,
    private readonly schedule: RetrySchedule,
  ) {}

  /** `requestKey`: the claim's id when the customer sent an Idempotency-Key (else a new one). */
  async claim(
    userUid: string,
    orderUid: string,
    claim: ClaimRequest,
    requestKey?: string,
  ): Promise<ClaimAnswer> {
    await this.orders.find(userUid, orderUid);
    const claimUid = requestKey ?? randomUUID();
    const earlier = requestKey === undefined ? null : await this.records.find(claimUid);
    if (earlier) return this.answerOf(earlier);
    // One waiting claim per order: another one would overtake it, or be decided on stale stock.
    if (await this.records.hasPending(orderUid)) throw waitingClaim(orderUid);

    const identity = { claimUid, orderUid, userUid, reason: claim.reason };
    let result: WarrantyDecisionResponse;
    try {
      result = await this.orders.claimWarranty(orderUid, claim, claimUid);
    } catch (error) {
      if (error instanceof ServiceUnavailableError && QUEUE_WHEN_DOWN.has(error.serviceName)) {
        return this.queue(identity, error);
      }
      throw error;
    }
    await this.recordDecided(identity, result);
    return {
      queued: false,
      body: { orderUid, warrantyDate: result.warrantyDate, decision: result.decision },
    };
  }

  private async queue(claim: ClaimIdentity, error: ServiceUnavailableError): Promise<ClaimAnswer> {
    const stored = await this.records.insertPending({
      ...claim,
      attempts: 1,
      lastError: error.message,
      delayMs: this.schedule.delayAfter(1),
    });
    // A parallel claim of the order was queued first: this one is not.
    if (stored.claimUid !== claim.claimUid) throw waitingClaim(claim.orderUid);
    this.logger.log(`Claim '${claim.claimUid}' of order '${claim.orderUid}' queued: ${error.message}`);
    // Committed: from here on the claim is safe, whatever happens to its publication.
    await this.outbox.dispatch(claim.claimUid, 1);
    return this.accepted(stored, error.message);
  }

  /**
   * The claim an earlier attempt of this request stored (its answer was lost: a 503, a crash).
   * The request key is the claim's id, and the store gives a key to one request only.
   */
  private answerOf(claim: WarrantyClaim): ClaimAnswer {
    switch (claim.status) {
      case ClaimStatus.DONE:
        return {
          queued: false,
          body: {
            orderUid: claim.orderUid,
            warrantyDate: (claim.warrantyDate as Date).toISOString(),
            decision: claim.decision as WarrantyDecision,
          },
        };
      case ClaimStatus.PENDING:
        return this.accepted(claim, claim.lastError ?? 'The claim is queued');
      case ClaimStatus.FAILED:
        return this.accepted(
          claim,
          claim.lastError ?? 'The claim failed',
          'the claim cannot be decided as it is and waits for an operator; the order shows its state',
        );
    }
  }

  private accepted(
    claim: WarrantyClaim,
    why: string,
    what = 'the claim is queued and will be decided as soon as the service is back; the order shows its state',
  ): ClaimAnswer {
    return {
      queued: true,
      body: { orderUid: claim.orderUid, decision: 'PENDING', message: `${why}: ${what}` },
    };
  }

  /** Best effort: the decision is taken and answered even if the store cannot note it. */
  private async recordDecided(claim: ClaimIdentity, result: WarrantyDecisionResponse): Promise<void> {
    try {
      await this.records.insertDone(claim, result);
    } catch (error) {
      this.logger.warn(`Claim '${claim.claimUid}' decided but not recorded: ${describeError(error)}`);
    }
  }
}
