/** A task waiting for its units, and how to let it run. */
interface Waiter {
  units: number;
  takeTurn: () => void;
}

/**
 * At most `limit` units of work at once; a task takes as many as it weighs (a gateway's list:
 * its number of orders), at most the whole limit, so that one bigger than the limit runs alone.
 * Work whose memory grows with what is in flight stays bounded under a burst, and small tasks
 * are not held up by a count of tasks that ignores their size. The tasks that do not fit wait in
 * arrival order, each only its caller's promise: freed units go straight to the longest waiting
 * tasks, so no newcomer overtakes them, and a task resumes in its own caller's async context
 * (request id, trace). Not cockatiel's bulkhead: it counts tasks, and starts a queued one from
 * the `finally` of the one that freed the slot, in that one's context.
 */
export class ConcurrencyLimit {
  private unitsInUse = 0;
  private tasksRunning = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(`A concurrency limit is a whole number ≥ 1, got ${limit}`);
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.tasksRunning;
  }

  /** Tasks waiting for their turn now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Units the running tasks hold now. */
  get inUse(): number {
    return this.unitsInUse;
  }

  async run<T>(task: () => Promise<T>, weight = 1): Promise<T> {
    if (!Number.isInteger(weight) || weight < 1) {
      throw new Error(`A task weighs a whole number ≥ 1 of units, got ${weight}`);
    }
    const units = Math.min(weight, this.limit);
    if (this.waiters.length === 0 && this.fits(units)) this.take(units);
    else await new Promise<void>((takeTurn) => this.waiters.push({ units, takeTurn })); // units come with it
    try {
      return await task();
    } finally {
      this.release(units);
    }
  }

  private fits(units: number): boolean {
    return this.unitsInUse + units <= this.limit;
  }

  private take(units: number): void {
    this.unitsInUse += units;
    this.tasksRunning += 1;
  }

  private release(units: number): void {
    this.unitsInUse -= units;
    this.tasksRunning -= 1;
    while (this.waiters.length > 0 && this.fits(this.waiters[0].units)) {
      const next = this.waiters.shift() as Waiter;
      this.take(next.units);
      next.takeTurn();
    }
  }
}
