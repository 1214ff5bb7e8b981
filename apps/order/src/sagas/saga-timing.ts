import { Injectable } from '@nestjs/common';
import { BaseServiceConfig } from '@app/config';
import { RetrySchedule } from '@app/scheduling';

/**
 * Pause before the next recovery attempt: 1 s, doubling, at most 30 s, so that a service that
 * stays down is asked rarely and one that comes back soon is not waited for long.
 */
export const SAGA_RETRY_SCHEDULE = RetrySchedule.doubling(1000, 30_000);

/** How long sagas may look busy before another process may take them over. */
@Injectable()
export class SagaTiming {
  /**
   * A STARTED saga not touched for this long was abandoned (its process was killed) and is
   * compensated by the worker. A purchase is journaled and then makes two calls (the take, the
   * warranty's start) before its pivot, each bounded by HTTP_TIMEOUT_MS, so 4 × HTTP_TIMEOUT_MS
   * (12 s by default) leaves room for a slow database before a live request could be mistaken
   * for a dead one; were it, the pivot finds the saga taken over and the purchase is undone.
   */
  readonly staleAfterMs: number;

  /**
   * How long a claim on a saga keeps other processes away: a recovery makes at most three calls,
   * each bounded by HTTP_TIMEOUT_MS. If its process dies, the claim expires and another attempt
   * is made.
   */
  readonly claimMs: number;

  readonly schedule = SAGA_RETRY_SCHEDULE;

  constructor(config: BaseServiceConfig) {
    this.staleAfterMs = 4 * config.HTTP_TIMEOUT_MS;
    this.claimMs = 4 * config.HTTP_TIMEOUT_MS;
  }
}
