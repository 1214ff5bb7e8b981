import { bulkhead, BulkheadPolicy, BulkheadRejectedError } from 'cockatiel';

/** A task that did not get to run: too many were waiting already, or it waited too long. */
export class ConcurrencyLimitError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = ConcurrencyLimitError.name;
  }
}

export interface ConcurrencyLimitOptions {
  /** Tasks that run at once. */
  limit: number;
  /** Tasks that may wait for a slot; one more is refused at once. */
  queue: number;
  /** The longest a task waits for a slot before it is given up (and never run). */
  maxWaitMs: number;
}

/**
 * At most `limit` tasks at once, the others in turn (cockatiel's bulkhead), each waiting at most
 * `maxWaitMs`: work whose memory grows with the number in flight (a gateway's assembled answers)
 * stays bounded under a burst, and what waits is only its caller's promise.
 */
export class ConcurrencyLimit {
  private readonly bulkhead: BulkheadPolicy;

  constructor(private readonly options: ConcurrencyLimitOptions) {
    this.bulkhead = bulkhead(options.limit, options.queue);
  }

  /** Tasks running now. */
  get running(): number {
    return this.options.limit - this.bulkhead.executionSlots;
  }

  /** Tasks waiting for a slot now. */
  get waiting(): number {
    return this.options.queue - this.bulkhead.queueSlots;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.bulkhead.executionSlots > 0) return this.execute(task);
    // The bulkhead looks at the signal only when the task's turn comes: a task given up is
    // skipped then (its TaskCancelledError is nobody's to handle).
    const giveUp = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        giveUp.abort();
        reject(
          new ConcurrencyLimitError(
            `waited ${this.options.maxWaitMs} ms for one of ${this.options.limit} slots`,
          ),
        );
      }, this.options.maxWaitMs);
    });
    const turn = this.execute(() => {
      clearTimeout(timer);
      return task();
    }, giveUp.signal);
    turn.catch(() => undefined);
    try {
      return await Promise.race([turn, tooLong]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async execute<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.bulkhead.execute(task, signal);
    } catch (error) {
      if (error instanceof BulkheadRejectedError) {
        throw new ConcurrencyLimitError(
          `${this.options.queue} tasks wait for ${this.options.limit} slots already`,
        );
      }
      throw error;
    }
  }
}
