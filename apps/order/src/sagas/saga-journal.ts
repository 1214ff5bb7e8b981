import { Injectable, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrderStatus, Size } from '@app/contracts';
import { isUniqueViolation, queryRows } from '@app/database';
import { clipErrorText, InProgressError, NotFoundError, ServiceUnavailableError } from '@app/errors';
import { timeLeftMs } from '@app/request-context';
import { assertCancelable } from '../orders/order-state';
import { Order } from '../orders/order.entity';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';
import { SagaMetrics } from './saga.metrics';
import { SagaTiming } from './saga-timing';

/**
 * A STARTED saga was found stale and taken over by the worker while its request was still
 * running (the database or a callee was slower than the staleness limit): the request must not
 * finish it, and answers that this service could not complete in time.
 */
export class SagaTakenOverError extends ServiceUnavailableError {
  constructor() {
    super('Order');
  }
}

/**
 * The caller's deadline has passed (X-Request-Budget-Ms): it has answered its client already. A
 * pivot is committed only before it, so that a purchase or refund never happens after the caller
 * was told it did not; what was done is undone instead.
 */
export class PastDeadlineError extends ServiceUnavailableError {
  constructor() {
    super('Order');
  }
}

/** Throws PastDeadlineError when the current request's deadline has passed. */
export function assertBeforeDeadline(): void {
  const left = timeLeftMs();
  if (left !== undefined && left <= 0) throw new PastDeadlineError();
}

export interface NewSaga {
  orderUid: string;
  userUid: string;
  /** The item's model and size; a refund records them when warehouse knows the item. */
  model: string | null;
  size: Size | null;
  itemUid: string | null;
  /** The caller's Idempotency-Key, if it sent one. */
  requestKey: string | null;
}

interface SagaRow {
  id: number;
  kind: SagaKind;
  order_uid: string;
  user_uid: string;
  model: string | null;
  size: Size | null;
  item_uid: string | null;
  state: SagaState;
  request_key: string | null;
  attempts: number;
  next_attempt_at: Date | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/**
 * The columns a saga is read with, named: a prepared `*` would be refused once a migration adds
 * a column (query-rows.ts). A record, so that a field of SagaRow cannot be left out.
 */
const SAGA_COLUMNS = Object.keys({
  id: true,
  kind: true,
  order_uid: true,
  user_uid: true,
  model: true,
  size: true,
  item_uid: true,
  state: true,
  request_key: true,
  attempts: true,
  next_attempt_at: true,
  locked_until: true,
  last_error: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof SagaRow, true>).join(', ');

function fromRow(row: SagaRow): OrderSaga {
  return Object.assign(new OrderSaga(), {
    id: row.id,
    kind: row.kind,
    orderUid: row.order_uid,
    userUid: row.user_uid,
    model: row.model,
    size: row.size,
    itemUid: row.item_uid,
    state: row.state,
    requestKey: row.request_key,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const ABANDONED = 'Abandoned while STARTED: the process running it stopped';

/** $1 = staleness limit in ms. */
const IS_STALE = `state = 'STARTED' AND updated_at < now() - $1::int * interval '1 millisecond'`;
const IS_UNCLAIMED = `(locked_until IS NULL OR locked_until < now())`;
const IS_RECOVERING = `state IN ('COMPENSATING', 'COMMITTED')`;
const IS_DUE = `(${IS_STALE}) OR (${IS_RECOVERING} AND next_attempt_at <= now() AND ${IS_UNCLAIMED})`;

/** $9: how long the inserting request holds the saga (ms), or NULL. */
const INSERT_SAGA = `INSERT INTO order_saga
  (kind, order_uid, user_uid, model, size, item_uid, request_key, state, locked_until, next_attempt_at)
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, claimed_until, claimed_until
  FROM (SELECT now() + $9::int * interval '1 millisecond' AS claimed_until) AS claim
  RETURNING ${SAGA_COLUMNS}`;

/**
 * The durable record of every purchase and refund saga (table order_saga). Every state change
 * is one conditional statement (or one transaction), so that the request running a saga and the
 * worker can never both act on it. Nothing here holds a transaction across a call to another
 * service.
 */
@Injectable()
export class SagaJournal {
  constructor(
    @InjectRepository(OrderSaga) private readonly sagas: Repository<OrderSaga>,
    private readonly timing: SagaTiming,
    @Optional() private readonly metrics?: SagaMetrics,
  ) {}

  /** The saga a request with this Idempotency-Key ran, unless it was rolled back. */
  async findByRequestKey(kind: SagaKind, requestKey: string): Promise<OrderSaga | undefined> {
    const [row] = await queryRows<SagaRow>(
      this.sagas.manager,
      `SELECT ${SAGA_COLUMNS} FROM order_saga WHERE kind = $1 AND request_key = $2 AND state <> 'ROLLED_BACK'`,
      [kind, requestKey],
    );
    return row ? fromRow(row) : undefined;
  }

  /** The refund of an order that passed its pivot, if any (after the commit's answer was lost). */
  async findCommittedRefund(orderUid: string): Promise<OrderSaga | undefined> {
    const [row] = await queryRows<SagaRow>(
      this.sagas.manager,
      `SELECT ${SAGA_COLUMNS} FROM order_saga WHERE order_uid = $1 AND kind = 'REFUND' AND state IN ('COMMITTED', 'COMPLETED')`,
      [orderUid],
    );
    return row ? fromRow(row) : undefined;
  }

  /** The state a saga is in now (after an answer from the database was lost). */
  async stateOf(id: number): Promise<SagaState | undefined> {
    const [row] = await queryRows<{ state: SagaState }>(
      this.sagas.manager,
      'SELECT state FROM order_saga WHERE id = $1',
      [id],
    );
    return row?.state;
  }

  /**
   * Records that a purchase of a new order is about to begin. A parallel request with the same
   * Idempotency-Key that got there first makes this one an InProgressError.
   */
  async startPurchase(saga: NewSaga): Promise<OrderSaga> {
    return this.insert(this.sagas.manager, SagaKind.PURCHASE, saga, SagaState.STARTED, null);
  }

  /**
   * The pivot of a purchase: the order row appears in the same statement in which the saga
   * becomes COMPLETED, and only if the saga is still STARTED (not taken over), so there is never
   * an order row for a purchase that is being rolled back. One statement is atomic by itself:
   * no transaction's BEGIN and COMMIT round trips on every purchase.
   */
  async completePurchase(id: number, order: Pick<Order, 'orderUid' | 'userUid' | 'itemUid'>): Promise<void> {
    const rows = await queryRows<{ id: number }>(
      this.sagas.manager,
      `WITH completed AS (
         UPDATE order_saga SET state = 'COMPLETED', item_uid = $4, updated_at = now()
         WHERE id = $1 AND state = 'STARTED' RETURNING id
       )
       INSERT INTO orders (order_uid, user_uid, item_uid, order_date, status)
       SELECT $2::uuid, $3::uuid, $4::uuid, $5::timestamptz, $6 FROM completed
       RETURNING id`,
      [id, order.orderUid, order.userUid, order.itemUid, new Date(), OrderStatus.PAID],
    );
    if (rows.length === 0) throw new SagaTakenOverError();
    this.metrics?.ended(SagaKind.PURCHASE, 'completed');
  }

  /**
   * The pivot of a refund, one transaction: the order row is locked and must still be PAID (a
   * refund that committed in parallel makes this one a 409), it becomes CANCELED, and the saga is
   * recorded COMMITTED — claimed by this request for its remaining steps, which the worker takes
   * over if the claim runs out.
   */
  async commitRefund(saga: NewSaga): Promise<OrderSaga> {
    const committed = await this.sagas.manager.transaction(async (manager) => {
      const [order] = await queryRows<{ status: OrderStatus }>(
        manager,
        'SELECT status FROM orders WHERE order_uid = $1 FOR UPDATE',
        [saga.orderUid],
      );
      if (!order) throw new NotFoundError(`Order '${saga.orderUid}' not found`);
      assertCancelable({ orderUid: saga.orderUid, status: order.status });
      const inserted = await this.insert(
        manager,
        SagaKind.REFUND,
        saga,
        SagaState.COMMITTED,
        this.timing.claimMs,
      );
      await queryRows(manager, `UPDATE orders SET status = $2 WHERE order_uid = $1`, [
        saga.orderUid,
        OrderStatus.CANCELED,
      ]);
      return inserted;
    });
    this.metrics?.ended(SagaKind.REFUND, 'committed');
    return committed;
  }

  /** Every remaining step of a COMMITTED saga has run. */
  async markCompleted(id: number): Promise<void> {
    const [row] = await queryRows<{ kind: SagaKind }>(
      this.sagas.manager,
      `UPDATE order_saga SET state = 'COMPLETED', locked_until = NULL, next_attempt_at = NULL, updated_at = now()
       WHERE id = $1 AND state = 'COMMITTED' RETURNING kind`,
      [id],
    );
    if (row) this.metrics?.ended(row.kind, 'completed');
  }

  /**
   * A step of a STARTED saga failed: the request that runs it claims it for compensation.
   * Undefined when the saga is no longer STARTED (the worker took it over and compensates it).
   */
  async beginCompensation(id: number, error: string): Promise<OrderSaga | undefined> {
    const [row] = await queryRows<SagaRow>(
      this.sagas.manager,
      `UPDATE order_saga
       SET state = 'COMPENSATING', attempts = attempts + 1, last_error = $3,
           locked_until = now() + $2::int * interval '1 millisecond', next_attempt_at = now(), updated_at = now()
       WHERE id = $1 AND state = 'STARTED'
       RETURNING ${SAGA_COLUMNS}`,
      [id, this.timing.claimMs, clipErrorText(error)],
    );
    return row ? fromRow(row) : undefined;
  }

  /** Every compensating step has run (from COMPENSATING), or nothing was done (from STARTED). */
  async markRolledBack(
    id: number,
    from: SagaState.STARTED | SagaState.COMPENSATING,
    reason?: string,
  ): Promise<void> {
    const [row] = await queryRows<{ kind: SagaKind }>(
      this.sagas.manager,
      `UPDATE order_saga
       SET state = 'ROLLED_BACK', locked_until = NULL, next_attempt_at = NULL,
           last_error = COALESCE($3, last_error), updated_at = now()
       WHERE id = $1 AND state = $2 RETURNING kind`,
      [id, from, reason === undefined ? null : clipErrorText(reason)],
    );
    if (row) this.metrics?.ended(row.kind, 'rolled_back');
  }

  /** A recovery step could not run now: releases the claim and sets when to try again. */
  async scheduleRetry(id: number, delayMs: number, error: string): Promise<void> {
    await queryRows(
      this.sagas.manager,
      `UPDATE order_saga
       SET next_attempt_at = now() + $2::int * interval '1 millisecond', locked_until = NULL,
           last_error = $3, updated_at = now()
       WHERE id = $1 AND ${IS_RECOVERING}`,
      [id, Math.round(delayMs), clipErrorText(error)],
    );
  }

  /**
   * Claims the next saga that needs the worker now: a COMPENSATING or COMMITTED one whose retry
   * is due and that nobody has claimed, or a STARTED one that was abandoned (it becomes
   * COMPENSATING). SKIP LOCKED lets parallel workers pass over a row another one is claiming.
   */
  async claimNext(): Promise<OrderSaga | undefined> {
    const [row] = await queryRows<SagaRow>(
      this.sagas.manager,
      `UPDATE order_saga
       SET state = CASE WHEN state = 'STARTED' THEN 'COMPENSATING' ELSE state END,
           attempts = attempts + 1,
           locked_until = now() + $2::int * interval '1 millisecond',
           next_attempt_at = COALESCE(next_attempt_at, now()),
           last_error = CASE WHEN state = 'STARTED' THEN '${ABANDONED}' ELSE last_error END,
           updated_at = now()
       WHERE id = (SELECT id FROM order_saga WHERE ${IS_DUE} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
         AND (${IS_DUE})
       RETURNING ${SAGA_COLUMNS}`,
      [this.timing.staleAfterMs, this.timing.claimMs],
    );
    return row ? fromRow(row) : undefined;
  }

  /** Milliseconds until some saga will need the worker (0: now); undefined when none is unfinished. */
  async msUntilNextDue(): Promise<number | undefined> {
    // NULL (no unfinished saga) must stay NULL: GREATEST(0, NULL) would be 0, i.e. "due now".
    const [row] = await queryRows<{ wait_ms: number | null }>(
      this.sagas.manager,
      `SELECT CEIL(EXTRACT(EPOCH FROM MIN(due) - now()) * 1000)::int AS wait_ms
       FROM (
         SELECT updated_at + $1::int * interval '1 millisecond' AS due FROM order_saga WHERE state = 'STARTED'
         UNION ALL
         SELECT GREATEST(next_attempt_at, locked_until) FROM order_saga WHERE ${IS_RECOVERING}
       ) AS pending`,
      [this.timing.staleAfterMs],
    );
    const waitMs = row?.wait_ms;
    return waitMs === null || waitMs === undefined ? undefined : Math.max(0, waitMs);
  }

  private async insert(
    manager: EntityManager,
    kind: SagaKind,
    saga: NewSaga,
    state: SagaState,
    claimMs: number | null,
  ): Promise<OrderSaga> {
    try {
      const [row] = await queryRows<SagaRow>(manager, INSERT_SAGA, [
        kind,
        saga.orderUid,
        saga.userUid,
        saga.model,
        saga.size,
        saga.itemUid,
        saga.requestKey,
        state,
        claimMs,
      ]);
      return fromRow(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new InProgressError(`A ${kind.toLowerCase()} with this Idempotency-Key is in progress`);
    }
  }
}

/** What the sagas need of the journal; lets unit tests hand them a typed stand-in. */
export type SagaJournalPort = Pick<SagaJournal, keyof SagaJournal>;
