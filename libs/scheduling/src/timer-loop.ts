import { AsyncResource } from 'node:async_hooks';
import { Logger } from '@nestjs/common';
import { describeError } from '@app/errors';

export interface TimerLoopOptions {
  /** Names the loop in its log lines. */
  name: string;
  /**
   * One round of work. Resolves with how long to sleep before the next round (e.g. until the
   * next job is due), or `undefined` when nothing is planned: the loop then looks again after
   * `idleMs`, which catches work written by another process. `signal` is aborted by `stop()`:
   * a round that works through a batch checks it between items, so that shutdown is not held up.
   */
  round: (signal: AbortSignal) => Promise<number | undefined>;
  /** The longest sleep. */
  idleMs: number;
  /** The shortest sleep, so that work that is due but taken by someone else cannot make it spin. */
  minSleepMs?: number;
  /** The sleep after a round that threw (e.g. its database was unreachable). */
  errorPauseMs: number;
}

/**
 * A background loop that sleeps until its next piece of work is due: one round at a time, a
 * `setTimeout` between rounds (never a busy poll), woken early when new work is handed over, and
 * stopped before the resources it uses are closed. The timer does not keep the process alive.
 */
export class TimerLoop {
  private readonly logger: Logger;
  private timer?: NodeJS.Timeout;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private running?: Promise<void>;
  private runAgain = false;
  private started = false;
  private readonly stopping = new AbortController();

  /**
   * Timers and rounds run in the async context the loop was made in (start-up), never in that of
   * a request that woke it: a request's id, deadline and trace must not leak into background work.
   */
  private readonly startRoundOutsideRequests = AsyncResource.bind(() => this.startRound());

  constructor(private readonly options: TimerLoopOptions) {
    this.logger = new Logger(options.name);
  }

  /** Runs the first round now. */
  start(): void {
    this.started = true;
    this.wake();
  }

  /**
   * Makes sure a round starts within `delayMs` (0: now, or right after the round under way). A
   * wake-up set earlier than that is kept. Before `start()` and after `stop()` it does nothing.
   */
  wake(delayMs = 0): void {
    if (!this.started || this.stopping.signal.aborted) return;
    if (delayMs <= 0 && this.running) {
      this.runAgain = true;
      return;
    }
    const dueAt = Date.now() + delayMs;
    if (this.timer !== undefined && this.timerDueAt <= dueAt) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(this.startRoundOutsideRequests, Math.max(0, delayMs));
    this.timer.unref();
  }

  /** No round starts any more; resolves once the round under way (if any) has finished. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Resolves when no round is under way (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private startRound(): void {
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    if (this.stopping.signal.aborted) return;
    if (this.running) {
      this.runAgain = true;
      return;
    }
    this.running = this.runRound().finally(() => {
      this.running = undefined;
      if (this.runAgain) {
        this.runAgain = false;
        this.wake();
      }
    });
  }

  private async runRound(): Promise<void> {
    const { idleMs, minSleepMs = 0, errorPauseMs } = this.options;
    let sleepMs: number;
    try {
      const planned = await this.options.round(this.stopping.signal);
      sleepMs = planned === undefined ? idleMs : Math.min(Math.max(planned, minSleepMs), idleMs);
    } catch (error) {
      this.logger.error(`Round failed, next in ${errorPauseMs} ms: ${describeError(error)}`);
      sleepMs = errorPauseMs;
    }
    this.wake(sleepMs);
  }
}
