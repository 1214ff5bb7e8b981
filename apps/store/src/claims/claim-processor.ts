import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeError, DomainException, ErrorCode } from '@app/errors';
import { JobOutcome } from '@app/messaging';
import { runInContext } from '@app/request-context';
import { RetrySchedule } from '@app/scheduling';
import { OrderClient } from '@app/service-client';
import { ClaimRecords } from './claim-records';
import { ClaimStatus, contextOfClaim, WarrantyClaim } from './warranty-claim.entity';

export type ClaimDecisionRecords = Pick<ClaimRecords, 'find' | 'markDone' | 'markFailed' | 'markRetry'>;
export type ClaimDecider = Pick<OrderClient, 'claimWarranty'>;

/**
 * Tries one queued claim — the same for RabbitMQ and the embedded queue — and records what came
 * of it. Exactly once in effect: a claim that is no longer PENDING is not tried again (a
 * duplicate delivery), and every try sends the claim's id as Idempotency-Key, so that warranty
 * answers a claim it has decided already with that decision instead of deciding again.
 */
/** A 4xx that will be the same next time (not "unavailable", not "the same claim is still running"). */
function isPermanent(error: unknown): error is DomainException {
  return (
    error instanceof DomainException &&
    error.code !== ErrorCode.SERVICE_UNAVAILABLE &&
    error.code !== ErrorCode.IN_PROGRESS
  );
}

@Injectable()
export class ClaimProcessor {
  private readonly logger = new Logger('WarrantyClaims');

  constructor(
    @Inject(ClaimRecords) private readonly records: ClaimDecisionRecords,
    @Inject(OrderClient) private readonly orders: ClaimDecider,
    private readonly schedule: RetrySchedule,
  ) {}

  /**
   * `attempt`: the claim's failed tries when its message was sent. A message the row has moved
   * past is a stale copy (published again while the first copy was only slow): dropped, so that
   * copies never multiply. The claim is tried under the request that made it (its id in the logs
   * and on the calls, its trace).
   */
  async process(claimUid: string, attempt?: number): Promise<JobOutcome> {
    const claim = await this.records.find(claimUid);
    if (!claim) return { kind: 'dead', error: `Claim '${claimUid}' does not exist` };
    switch (claim.status) {
      case ClaimStatus.DONE:
        return { kind: 'done' };
      case ClaimStatus.FAILED:
        // Failed before, but its message came back (e.g. the process died before dead-lettering it).
        return { kind: 'dead', error: claim.lastError ?? 'failed before' };
      case ClaimStatus.PENDING:
        if (attempt !== undefined && attempt !== claim.attempts) {
          this.logger.log(
            `Claim '${claimUid}': stale copy of try ${attempt} dropped (the claim is at ${claim.attempts})`,
          );
          return { kind: 'done' };
        }
        return runInContext(contextOfClaim(claim), () => this.tryPending(claim));
    }
  }

  private async tryPending(claim: WarrantyClaim): Promise<JobOutcome> {
    const { claimUid } = claim;
    try {
      const result = await this.orders.claimWarranty(claim.orderUid, { reason: claim.reason }, claimUid);
      await this.records.markDone(claimUid, result);
      this.logger.log(
        `Claim '${claimUid}' of order '${claim.orderUid}' decided ${result.decision} after ${claim.attempts} failed tries`,
      );
      return { kind: 'done' };
    } catch (error) {
      if (isPermanent(error)) {
        // 4xx: the order, its item or its warranty does not exist, or the claim is invalid.
        await this.records.markFailed(claimUid, error.message);
        this.logger.error(
          `Claim '${claimUid}' of order '${claim.orderUid}' can never succeed: ${error.message}`,
        );
        return { kind: 'dead', error: error.message };
      }
      // A service is down (or answered something unexpected): try again after the back-off.
      const attempts = claim.attempts + 1;
      const delayMs = this.schedule.delayAfter(attempts);
      await this.records.markRetry(claimUid, attempts, delayMs, describeError(error));
      this.logger.warn(
        `Claim '${claimUid}' try ${attempts} failed (${describeError(error)}); next in ${delayMs} ms`,
      );
      return { kind: 'retry', attempts, error: describeError(error) };
    }
  }
}
