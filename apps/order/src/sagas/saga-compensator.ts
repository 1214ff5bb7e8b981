import { Inject, Injectable, Logger } from '@nestjs/common';
import { describeError, DomainException, ErrorCode } from '@app/errors';
import { OrderSaga, SagaState } from './order-saga.entity';
import { SagaJournal, SagaJournalPort } from './saga-journal';
import { retryDelayMs } from './saga-timing';

/** The undo half of a saga. */
export interface SagaSteps {
  /**
   * Undoes whatever the saga's steps may have done. Every compensating step is safe to repeat,
   * because a later attempt cannot know how far an earlier one got. Throws when a step cannot
   * run now (its service is down); the whole compensation is then tried again later.
   */
  compensate(saga: OrderSaga): Promise<void>;
}

export type RetryListener = (delayMs: number) => void;

/**
 * A callee's definitive answer (404, 409, 400) as opposed to its unavailability: with such an
 * answer the callee did not change anything.
 */
export function isAnswer(error: unknown): boolean {
  return error instanceof DomainException && error.code !== ErrorCode.SERVICE_UNAVAILABLE;
}

/** For a close or a return, 404 means there is nothing to undo: just what undoing wants. */
export function unlessNotFound(error: unknown): void {
  if (!(error instanceof DomainException && error.code === ErrorCode.NOT_FOUND)) throw error;
}

/** How logs name a saga: by its journal id, order and user, to find it in the table and the logs. */
export function describeSaga(saga: OrderSaga): string {
  return `${saga.kind} saga ${saga.id} (order ${saga.orderUid}, user ${saga.userUid})`;
}

/**
 * Runs compensations and keeps the journal in step with them, for the request whose saga just
 * failed and for the background worker alike. A compensation that cannot finish now is left
 * COMPENSATING with a time for the next attempt (growing back-off), never dropped.
 */
@Injectable()
export class SagaCompensator {
  private readonly logger = new Logger('Sagas');
  private readonly retryListeners = new Set<RetryListener>();

  constructor(@Inject(SagaJournal) private readonly journal: SagaJournalPort) {}

  /** Told each time a retry is scheduled, so that the worker wakes up in time for it. */
  onRetryScheduled(listener: RetryListener): void {
    this.retryListeners.add(listener);
  }

  /**
   * A forward step of a STARTED saga failed: compensate at once, before the caller answers.
   * Never throws: the caller rethrows the step's own error. If even the bookkeeping fails, the
   * saga stays STARTED or COMPENSATING in the journal and the worker finishes the job.
   */
  async abort(saga: OrderSaga, error: unknown, steps: SagaSteps): Promise<void> {
    try {
      const claimed = await this.journal.beginCompensation(saga.id, describeError(error));
      if (!claimed) {
        this.logger.warn(`${describeSaga(saga)} was taken over by the compensation worker`);
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

  /**
   * Runs the compensation of a saga this process has claimed and records the outcome: ROLLED_BACK,
   * or a retry after the back-off. Returns undefined when rolled back, else the error that
   * stopped it. Throws only when the journal cannot be written (the claim then expires and
   * another attempt follows).
   */
  async compensate(saga: OrderSaga, steps: SagaSteps): Promise<Error | undefined> {
    try {
      await steps.compensate(saga);
    } catch (error) {
      const delayMs = retryDelayMs(saga.attempts);
      await this.journal.scheduleRetry(saga.id, delayMs, describeError(error));
      const log = isAnswer(error) ? this.logger.error.bind(this.logger) : this.logger.warn.bind(this.logger);
      log(
        `${describeSaga(saga)}: compensation attempt ${saga.attempts} failed (${describeError(error)}), ` +
          `next in ${delayMs} ms`,
      );
      for (const listener of this.retryListeners) listener(delayMs);
      return error instanceof Error ? error : new Error(String(error));
    }
    await this.journal.markRolledBack(saga.id, SagaState.COMPENSATING);
    this.logger.log(`${describeSaga(saga)} rolled back`);
    return undefined;
  }
}
