import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeError, DomainException, ErrorCode } from '@app/errors';
import { OrderSaga, SagaState } from './order-saga.entity';
import { SagaJournal, SagaJournalPort } from './saga-journal';
import { SagaTiming } from './saga-timing';

/** The steps of a saga that recovery may run again; each is safe to repeat. */
export interface SagaSteps {
  /**
   * Undoes whatever the compensable steps (before the pivot) may have done. A later attempt
   * cannot know how far an earlier one got, so every step is idempotent. Throws when a step
   * cannot run now (its service is down); the whole compensation is then tried again later.
   */
  compensate(saga: OrderSaga): Promise<void>;
  /** Runs the steps after the pivot. Throws when one cannot run now; retried until it has run. */
  finish(saga: OrderSaga): Promise<void>;
}

export type RetryListener = (delayMs: number) => void;

/**
 * A callee's definitive answer (404, 409, 400) as opposed to its unavailability: with such an
 * answer the callee did not change anything.
 */
export function isAnswer(error: unknown): boolean {
  return error instanceof DomainException && error.code !== ErrorCode.SERVICE_UNAVAILABLE;
}

/** For an undo or a close, 404 means there is nothing to do: just what was wanted. */
export function unlessNotFound(error: unknown): void {
  if (!(error instanceof DomainException && error.code === ErrorCode.NOT_FOUND)) throw error;
}

/** How logs name a saga: by its journal id, order and user, to find it in the table and the logs. */
export function describeSaga(saga: OrderSaga): string {
  return `${saga.kind} saga ${saga.id} (order ${saga.orderUid}, user ${saga.userUid})`;
}

/**
 * Runs compensations (backward, before the pivot) and the remaining steps (forward, after it),
 * and keeps the journal in step with them — for the request whose saga just failed and for the
 * background worker alike. What cannot run now is left COMPENSATING or COMMITTED with a time for
 * the next attempt (growing back-off), never dropped.
 */
@Injectable()
export class SagaRecovery {
  private readonly logger = new Logger('Sagas');
  private readonly retryListeners = new Set<RetryListener>();

  constructor(
    @Inject(SagaJournal) private readonly journal: SagaJournalPort,
    private readonly timing: SagaTiming,
  ) {}

  /** Told each time a retry is scheduled, so that the worker wakes up in time for it. */
  onRetryScheduled(listener: RetryListener): void {
    this.retryListeners.add(listener);
  }

  /**
   * A compensable step of a STARTED saga failed: compensate at once, before the caller answers.
   * Never throws: the caller rethrows the step's own error. If even the bookkeeping fails, the
   * saga stays STARTED or COMPENSATING in the journal and the worker finishes the job.
   */
  async abort(saga: OrderSaga, error: unknown, steps: SagaSteps): Promise<void> {
    try {
      const claimed = await this.journal.beginCompensation(saga.id, describeError(error));
      if (!claimed) {
        this.logger.warn(`${describeSaga(saga)} was taken over by the saga worker`);
        return;
      }
      this.logger.warn(`${describeSaga(saga)} failed (${describeError(error)}): compensating`);
      await this.compensate(claimed, steps);
    } catch (bookkeepingError) {
      this.logger.error(
        `${describeSaga(saga)}: could not record its compensation, the worker will: ${describeError(bookkeepingError)}`,
      );
    }
  }

  /** The first step was refused with a definitive answer: there is nothing to undo. Never throws. */
  async dismiss(saga: OrderSaga, error: unknown): Promise<void> {
    try {
      await this.journal.markRolledBack(saga.id, SagaState.STARTED, describeError(error));
    } catch (bookkeepingError) {
      // Left STARTED, the worker compensates it once stale: repeating the take finds nothing.
      this.logger.error(
        `${describeSaga(saga)}: could not record its end: ${describeError(bookkeepingError)}`,
      );
    }
  }

  /** What the worker does with a saga it claimed: undo it (COMPENSATING) or finish it (COMMITTED). */
  recover(saga: OrderSaga, steps: SagaSteps): Promise<Error | undefined> {
    return saga.state === SagaState.COMMITTED ? this.finish(saga, steps) : this.compensate(saga, steps);
  }

  /**
   * Runs the compensation of a COMPENSATING saga this process has claimed and records the
   * outcome: ROLLED_BACK, or a retry after the back-off. Returns undefined when rolled back, else
   * the error that stopped it. Throws only when the journal cannot be written (the claim then
   * expires and another attempt follows).
   */
  async compensate(saga: OrderSaga, steps: SagaSteps): Promise<Error | undefined> {
    const failure = await this.attempt(saga, 'compensation', () => steps.compensate(saga));
    if (failure) return failure;
    await this.journal.markRolledBack(saga.id, SagaState.COMPENSATING);
    this.logger.log(`${describeSaga(saga)} rolled back`);
    return undefined;
  }

  /**
   * Runs the remaining steps of a COMMITTED saga this process has claimed and records the
   * outcome: COMPLETED, or a retry after the back-off. Returns undefined when completed.
   */
  async finish(saga: OrderSaga, steps: SagaSteps): Promise<Error | undefined> {
    const failure = await this.attempt(saga, 'forward', () => steps.finish(saga));
    if (failure) return failure;
    await this.journal.markCompleted(saga.id);
    if (saga.attempts > 0) this.logger.log(`${describeSaga(saga)} completed`);
    return undefined;
  }

  private async attempt(saga: OrderSaga, what: string, run: () => Promise<void>): Promise<Error | undefined> {
    try {
      await run();
      return undefined;
    } catch (error) {
      // A COMMITTED saga's first try is the request's own (attempts 0): it waits like the first retry.
      const delayMs = this.timing.schedule.delayAfter(saga.attempts);
      await this.journal.scheduleRetry(saga.id, delayMs, describeError(error));
      const log = isAnswer(error) ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
      log(
        `${describeSaga(saga)}: ${what} attempt ${saga.attempts} failed (${describeError(error)}), next in ${delayMs} ms`,
      );
      for (const listener of this.retryListeners) listener(delayMs);
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}
