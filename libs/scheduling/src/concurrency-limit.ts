/**
 * At most `limit` tasks at once; the others wait their turn in arrival order, each only its
 * caller's promise: work whose memory grows with the number in flight (a gateway's assembled
 * answers) stays bounded under a burst. A freed slot passes straight to the longest waiting task,
 * so no newcomer overtakes it, and that task resumes in its own caller's async context (request
 * id, trace). Not cockatiel's bulkhead: it starts a queued task from the `finally` of the one that
 * freed the slot, in that one's context, so the task's calls would carry another request's id.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(`A concurrency limit is a whole number ≥ 1, got ${limit}`);
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for their turn now. */
  get waiting(): number {
    return this.waiters.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit && this.waiters.length === 0) this.active += 1;
    else await new Promise<void>((takeTurn) => this.waiters.push(takeTurn)); // the slot comes with it
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active -= 1;
  }
}
