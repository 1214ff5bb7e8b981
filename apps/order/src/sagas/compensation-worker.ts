import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OrderSaga, SagaKind } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { RefundSaga } from './refund.saga';
import { describeError } from '@app/errors';
import { describeSaga, SagaCompensator, SagaSteps } from './saga-compensator';
import { SagaJournal, SagaJournalPort } from './saga-journal';

/**
 * Longest sleep between two looks at the journal: sagas abandoned by another process, or written
 * while the database was unreachable, are found within this time even without a wake-up.
 */
export const IDLE_LOOK_MS = 30_000;
/** After the journal itself failed (database down), look again after this pause. */
export const JOURNAL_RETRY_MS = 5_000;
/**
 * Shortest sleep: a saga that is due yet could not be claimed (another process holds it for an
 * instant) must not make the worker spin.
 */
export const MIN_SLEEP_MS = 250;

/**
 * Finishes, in the background, the compensations that could not run when their saga failed,
 * and those of sagas abandoned by a killed process (STARTED and stale). Runs once at start-up,
 * then sleeps until the next saga is due (a setTimeout, never a polling loop): woken early when a
 * compensation of this process schedules a retry. Each saga is claimed with a conditional update
 * first, so two workers (or a worker and a request) never compensate the same saga at once.
 */
@Injectable()
export class CompensationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CompensationWorker.name);
  private timer?: NodeJS.Timeout;
  private timerDueAt = Number.POSITIVE_INFINITY;
  private pass?: Promise<void>;
  private passAgain = false;
  private stopped = false;

  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly compensator: SagaCompensator,
    private readonly purchase: PurchaseSaga,
    private readonly refund: RefundSaga,
  ) {}

  onApplicationBootstrap(): void {
    this.compensator.onRetryScheduled((delayMs) => this.wakeIn(delayMs));
    this.wakeIn(0); // sagas left behind by the previous run of this process
  }

  /** Stops before the database closes: no new pass starts, the one under way finishes its saga. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  /** Makes sure a pass runs within `delayMs`; an earlier wake-up already set is kept. */
  wakeIn(delayMs: number): void {
    if (this.stopped) return;
    const dueAt = Date.now() + delayMs;
    if (this.timer !== undefined && this.timerDueAt <= dueAt) return;
    clearTimeout(this.timer);
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => this.startPass(), delayMs);
    // The HTTP server keeps the process alive; the timer alone must not.
    this.timer.unref();
  }

  /** Resolves when the pass under way (if any) has finished; for tests. */
  async idle(): Promise<void> {
    while (this.pass) await this.pass;
  }

  private startPass(): void {
    this.timer = undefined;
    this.timerDueAt = Number.POSITIVE_INFINITY;
    if (this.pass) {
      this.passAgain = true; // woken while busy: look once more when done
      return;
    }
    this.pass = this.runPass().finally(() => {
      this.pass = undefined;
      if (this.passAgain) {
        this.passAgain = false;
        this.wakeIn(0);
      }
    });
  }

  /** Compensates every saga that is due, one at a time, then sleeps until the next one is. */
  private async runPass(): Promise<void> {
    let sleepMs = IDLE_LOOK_MS;
    try {
      for (;;) {
        if (this.stopped) return;
        const saga = await this.journal.claimNext();
        if (!saga) break;
        this.logger.log(
          `Compensating ${describeSaga(saga)}, attempt ${saga.attempts}: ${saga.lastError ?? ''}`,
        );
        // A failed compensation is rescheduled by the compensator, so it is not claimed again
        // in this pass: the loop ends when nothing is due now.
        await this.compensator.compensate(saga, this.stepsOf(saga));
      }
      const dueInMs = await this.journal.msUntilNextDue();
      if (dueInMs !== undefined) sleepMs = Math.max(MIN_SLEEP_MS, Math.min(dueInMs, IDLE_LOOK_MS));
    } catch (error) {
      this.logger.error(
        `Saga journal unavailable, next look in ${JOURNAL_RETRY_MS} ms: ${describeError(error)}`,
      );
      sleepMs = JOURNAL_RETRY_MS;
    }
    this.wakeIn(sleepMs);
  }

  private stepsOf(saga: OrderSaga): SagaSteps {
    switch (saga.kind) {
      case SagaKind.PURCHASE:
        return this.purchase;
      case SagaKind.REFUND:
        return this.refund;
    }
  }
}
