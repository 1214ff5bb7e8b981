/** The default back-off between tries of a queued job: 1 s, 2 s, 5 s, 10 s, then every 30 s. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 5000, 10000, 30000];

/**
 * Growing back-off between the tries of a queued job. After the n-th failed try the job waits
 * `delaysMs[n - 1]`; past the end of the list the last delay repeats, so a job whose service
 * stays down is tried at a steady, slow pace and never in a hot loop.
 */
export class RetrySchedule {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS) {
    if (delaysMs.length === 0 || delaysMs.some((ms) => !Number.isInteger(ms) || ms <= 0)) {
      throw new Error(
        `A retry schedule needs one or more positive whole delays, got [${delaysMs.join(', ')}]`,
      );
    }
    this.delaysMs = [...delaysMs];
  }

  /** "1000,2000,5000" (as in the environment). */
  static parse(text: string): RetrySchedule {
    return new RetrySchedule(text.split(',').map((part) => Number(part.trim())));
  }

  /** Index of the back-off tier a job waits in after `attempts` failed tries (1 = the first). */
  tierAfter(attempts: number): number {
    return Math.min(Math.max(attempts, 1), this.delaysMs.length) - 1;
  }

  /** How long a job waits after `attempts` failed tries before the next one. */
  delayAfter(attempts: number): number {
    return this.delaysMs[this.tierAfter(attempts)];
  }
}
