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
 * (request id, trace). A waiting task whose `signal` aborts (its caller has gone) leaves the
 * queue at once, rejected with the signal's reason, and the tasks behind it that now fit start.
 * Not cockatiel's bulkhead: it counts tasks, and starts a queued one from the `finally` of the
 * one that freed the slot, in that one's context.
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

  async run<T>(task: () => Promise<T>, weight = 1, signal?: AbortSignal): Promise<T> {
    if (!Number.isInteger(weight) || weight < 1) {
      throw new Error(`A task weighs a whole number ≥ 1 of units, got ${weight}`);
    }
    signal?.throwIfAborted();
    const units = Math.min(weight, this.limit);
    if (this.waiters.length === 0 && this.fits(units)) this.take(units);
    else await this.turn(units, signal); // the units come with it
    try {
      return await task();
    } finally {
      this.release(units);
    }
  }

  /** Waits in the queue until `release` hands this task its units, or its signal aborts. */
  private turn(units: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        const place = this.waiters.indexOf(waiter);
        if (place >= 0) this.waiters.splice(place, 1);
        reject(signal?.reason as Error); // the signal's own reason (an AbortError unless given one)
        this.admitWaiters(); // it may have been the head that did not fit
      };
      const waiter: Waiter = {
        units,
        takeTurn: () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      this.waiters.push(waiter);
      signal?.addEventListener('abort', leave, { once: true });
    });
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
    this.admitWaiters();
  }

  /** Hands their units to the waiting tasks at the head of the queue, as many as fit. */
  private admitWaiters(): void {
    while (this.waiters.length > 0 && this.fits(this.waiters[0].units)) {
      const next = this.waiters.shift() as Waiter;
      this.take(next.units);
      next.takeTurn();
    }
  }
}
