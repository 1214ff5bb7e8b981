/**
 * Growing back-off between the tries of something that failed for a reason that passes (a
 * service down). After the n-th failed try it waits `delaysMs[n - 1]`; past the end of the list
 * the last delay repeats, so something whose service stays down is tried at a steady, slow pace
 * and never in a hot loop.
 */
export class RetrySchedule {
  readonly delaysMs: readonly number[];

  constructor(delaysMs: readonly number[]) {
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

  /** `firstMs`, doubling up to `maxMs`: e.g. 1 s, 2 s, 4 s, 8 s, 16 s, 30 s, 30 s, … */
  static doubling(firstMs: number, maxMs: number): RetrySchedule {
    const delays: number[] = [];
    for (let ms = firstMs; ms < maxMs; ms *= 2) delays.push(ms);
    return new RetrySchedule([...delays, maxMs]);
  }

  /** Index of the delay that follows `attempts` failed tries (1 = the first; below 1 counts as 1). */
  tierAfter(attempts: number): number {
    return Math.min(Math.max(attempts, 1), this.delaysMs.length) - 1;
  }

  /** How long to wait after `attempts` failed tries before the next one. */
  delayAfter(attempts: number): number {
    return this.delaysMs[this.tierAfter(attempts)];
  }
}
