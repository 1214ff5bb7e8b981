import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TimerLoop } from '@app/scheduling';
import { OrderSaga, SagaKind } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { RefundSaga } from './refund.saga';
import { SagaJournal, SagaJournalPort } from './saga-journal';
import { describeSaga, SagaRecovery, SagaSteps } from './saga-recovery';

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
 * Finishes, in the background, what the requests could not: compensations that could not run
 * when their saga failed, the remaining steps of committed sagas whose service was down, and
 * sagas abandoned by a killed process (STARTED and stale). Runs at start-up, then sleeps until the
 * next saga is due, woken early when a recovery of this process schedules a retry. Each saga is
 * claimed first with a conditional update, so two workers (or a worker and a request, in any
 * number of instances) never work on the same saga at once.
 */
@Injectable()
export class SagaWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SagaWorker.name);
  private readonly loop = new TimerLoop({
    name: SagaWorker.name,
    round: (signal) => this.recoverDue(signal),
    idleMs: IDLE_LOOK_MS,
    minSleepMs: MIN_SLEEP_MS,
    errorPauseMs: JOURNAL_RETRY_MS,
  });

  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly recovery: SagaRecovery,
    private readonly purchase: PurchaseSaga,
    private readonly refund: RefundSaga,
  ) {}

  onApplicationBootstrap(): void {
    this.recovery.onRetryScheduled((delayMs) => this.loop.wake(delayMs));
    this.loop.start(); // sagas left behind by the previous run of this process
  }

  /** Stops before the database closes: no new round starts, the one under way finishes its saga. */
  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** Resolves when the round under way (if any) has finished; for tests. */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  /** Recovers every saga that is due, one at a time; then tells how long until the next one is. */
  private async recoverDue(signal: AbortSignal): Promise<number | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      const saga = await this.journal.claimNext();
      if (!saga) break;
      this.logger.log(
        `Recovering ${describeSaga(saga)} (${saga.state}), attempt ${saga.attempts}: ${saga.lastError ?? ''}`,
      );
      // A failed attempt is rescheduled by the recovery, so it is not claimed again in this
      // round: the loop ends when nothing is due now.
      await this.recovery.recover(saga, this.stepsOf(saga));
    }
    return this.journal.msUntilNextDue();
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
