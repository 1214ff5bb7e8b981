import { Logger, OnModuleDestroy } from '@nestjs/common';
import { describeError } from '@app/errors';
import { TimerLoop } from '@app/scheduling';
import { Job, JobOutcome, LocalJobSource, QueueHealth, WorkQueue } from './work-queue';

export interface EmbeddedWorkQueueOptions {
  /** How long a taken job is withheld from other workers; longer than one try can last. */
  leaseMs: number;
  /** Jobs taken per round. */
  batchSize?: number;
  /** The longest the worker sleeps without looking (jobs written by another process). */
  idleMs?: number;
}

const DEFAULT_BATCH_SIZE = 10;
const DEFAULT_IDLE_MS = 60_000;
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
 * tried again after a restart. Rows are leased with FOR UPDATE SKIP LOCKED, so several instances
 * share the table without trying a job twice at once.
 */
export class EmbeddedWorkQueue extends WorkQueue implements OnModuleDestroy {
  readonly type = 'embedded' as const;
  private readonly logger = new Logger('EmbeddedQueue');
  private loop?: TimerLoop;

  constructor(private readonly options: EmbeddedWorkQueueOptions) {
    super();
  }

  publish(_job: Job): Promise<void> {
    this.loop?.wake();
    return Promise.resolve();
  }

  /** The back-off is already in the row (its next-try time); the worker only re-plans its sleep. */
  scheduleRetry(_job: Job): Promise<void> {
    this.loop?.wake();
    return Promise.resolve();
  }

  /** The dead jobs are the failed rows themselves: nothing else to keep in step. */
  rebuildDeadLetters(_jobIds: string[]): Promise<void> {
    return Promise.resolve();
  }

  health(): QueueHealth {
    return { up: true, type: this.type };
  }

  attachLocalWorker(source: LocalJobSource): void {
    this.loop = new TimerLoop({
      name: 'EmbeddedQueue',
      round: (signal) => this.round(source, signal),
      idleMs: this.options.idleMs ?? DEFAULT_IDLE_MS,
      minSleepMs: MIN_SLEEP_MS,
      errorPauseMs: ERROR_PAUSE_MS,
    });
    this.loop.start();
  }

  /** Stops taking jobs and waits for the one being tried, before the database closes. */
  async onModuleDestroy(): Promise<void> {
    await this.loop?.stop();
  }

  /** Tries every due job, then tells how long until the next one is due. */
  private async round(source: LocalJobSource, signal: AbortSignal): Promise<number | undefined> {
    for (;;) {
      const jobIds = await source.leaseDue(
        this.options.batchSize ?? DEFAULT_BATCH_SIZE,
        this.options.leaseMs,
      );
      if (jobIds.length === 0) break;
      for (const jobId of jobIds) {
        // Jobs leased but not tried are tried again when their lease runs out.
        if (signal.aborted) return undefined;
        await this.tryJob(source, jobId);
      }
    }
    const next = await source.nextDueAt();
    return next ? next.getTime() - Date.now() : undefined;
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
}
