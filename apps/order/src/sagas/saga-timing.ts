import { Injectable } from '@nestjs/common';
import { BaseServiceConfig } from '@app/config';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Pause before the next compensation attempt after `attempts` failed ones: 1 s, doubling, at
 * most 30 s, so that a service that stays down is asked rarely and one that comes back soon is
 * not waited for long.
 */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
}

/** How long sagas may look busy before another process may take them over. */
@Injectable()
export class SagaTiming {
  /**
   * A STARTED saga not touched for this long was abandoned (its process was killed) and is
   * compensated by the worker. Each step touches the saga and then makes at most one call,
   * bounded by HTTP_TIMEOUT_MS, so 4 × HTTP_TIMEOUT_MS (12 s by default) leaves ample room for
   * a slow database before a live request could be mistaken for a dead one.
   */
  readonly staleAfterMs: number;

  /**
   * How long a claim on a COMPENSATING saga keeps other processes away: a compensation makes at
   * most three calls, each bounded by HTTP_TIMEOUT_MS. If its process dies, the claim expires
   * and another attempt is made.
   */
  readonly claimMs: number;

  constructor(config: BaseServiceConfig) {
    this.staleAfterMs = 4 * config.HTTP_TIMEOUT_MS;
    this.claimMs = 4 * config.HTTP_TIMEOUT_MS;
  }
}
