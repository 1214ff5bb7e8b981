import { Logger, OnModuleDestroy } from '@nestjs/common';
import { JobOutcome, LocalJobSource, QueueHealth, WorkQueue } from './work-queue';
import { describeError } from '@app/errors';

export interface EmbeddedWorkQueueOptions {
  /** How long a taken job is withheld from other workers; longer than one try can last. */
  leaseMs: number;
  /** Jobs taken per round. */
  batchSize?: number;
  /** The longest the worker sleeps without looking (jobs written by another process). */
  maxSleepMs?: number;
}

const DEFAULT_BATCH_SIZE = 10;
const DEFAULT_MAX_SLEEP_MS = 60_000;
/** A job due now but taken by another worker is looked at again after this. */
const MIN_SLEEP_MS = 100;
/** After the table itself failed (e.g. the database is briefly unreachable). */
const ERROR_PAUSE_MS = 2000;

/**
 * The queue without a broker: the jobs' table in the service's own database is the queue, so a
 * job is exactly as durable as the committed row. One in-process worker takes due jobs (earliest
 * next try first), tries them one at a time and sleeps until the next one is due — woken early
 * when a job is handed over. A retry's back-off is the row's next-try time, so a service that is
 * down is not polled; a process killed mid-try leaves a lease that runs out, and the job is
 * tried again after a restart.
 */
export class EmbeddedWorkQueue extends WorkQueue implements OnModuleDestroy {
  readonly type = 'embedded' as const;
  private readonly logger = new Logger('ClaimsQueue');
  private source?: LocalJobSource;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeAgain = false;
  private stopped = false;

  constructor(private readonly options: EmbeddedWorkQueueOptions) {
    super();
  }

  publish(_jobId: string): Promise<void> {
    this.wake();
    return Promise.resolve();
  }

  /** The back-off is already in the row (its next-try time); the worker only re-plans its sleep. */
  scheduleRetry(_jobId: string, _attempts: number): Promise<void> {
    this.wake();
    return Promise.resolve();
  }

  health(): QueueHealth {
    return { up: true, type: this.type };
  }

  attachLocalWorker(source: LocalJobSource): void {
    this.source = source;
    this.wake();
  }

  /** Runs a round now, or right after the current one. */
  wake(): void {
    if (!this.source || this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.round(this.source).finally(() => {
      this.running = undefined;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  /** Stops taking jobs and waits for the one being tried, before the database closes. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async round(source: LocalJobSource): Promise<void> {
    try {
      for (;;) {
        const jobIds = await source.leaseDue(
          this.options.batchSize ?? DEFAULT_BATCH_SIZE,
          this.options.leaseMs,
        );
        if (jobIds.length === 0) break;
        for (const jobId of jobIds) {
          if (this.stopped) return;
          await this.tryJob(source, jobId);
        }
      }
      const next = await source.nextDueAt();
      this.sleep(next ? next.getTime() - Date.now() : (this.options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS));
    } catch (error) {
      this.logger.error(`Queue table unavailable: ${describeError(error)}`);
      this.sleep(ERROR_PAUSE_MS);
    }
  }

  private async tryJob(source: LocalJobSource, jobId: string): Promise<void> {
    let outcome: JobOutcome;
    try {
      outcome = await source.process(jobId);
    } catch (error) {
      // Not recorded: the lease runs out and the job is tried again.
      this.logger.error(`Job '${jobId}' failed unexpectedly: ${describeError(error)}`);
      return;
    }
    if (outcome.kind === 'dead') {
      this.logger.error(`Job '${jobId}' can never succeed, dead-lettered (kept as FAILED): ${outcome.error}`);
    }
  }

  private sleep(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const maxSleepMs = this.options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
    this.timer = setTimeout(() => this.wake(), Math.min(Math.max(ms, MIN_SLEEP_MS), maxSleepMs));
  }
}
