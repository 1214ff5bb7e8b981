import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { OrderStatus, Size } from '@app/contracts';
import { isUniqueViolation, queryRows } from '@app/database';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@app/errors';
import { assertCancelable } from '../orders/order-state';
import { Order } from '../orders/order.entity';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';
import { SagaTiming } from './saga-timing';

/**
 * A STARTED saga was found stale and taken over by the compensation worker while its request
 * was still running (the database or a callee was slower than the staleness limit): the request
 * must not finish it, and answers that this service could not complete in time.
 */
export class SagaTakenOverError extends ServiceUnavailableError {
  constructor() {
    super('Order');
  }
}

export interface NewSaga {
  orderUid: string;
  userUid: string;
  model: string;
  size: Size;
  itemUid: string | null;
}

interface SagaRow {
  id: number;
  kind: SagaKind;
  order_uid: string;
  user_uid: string;
  model: string;
  size: Size;
  item_uid: string | null;
  state: SagaState;
  attempts: number;
  next_attempt_at: Date | null;
  locked_until: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

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
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** Error texts end up in a column; keep them short. */
function clip(text: string): string {
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

const ABANDONED = 'Abandoned while STARTED: the process running it stopped';

/** $1 = staleness limit in ms. */
const IS_STALE = `state = 'STARTED' AND updated_at < now() - $1::int * interval '1 millisecond'`;
const IS_UNCLAIMED = `(locked_until IS NULL OR locked_until < now())`;

/**
 * Claims one saga for compensation in a single conditional statement: the row changes only if
 * it still matches `condition`, so of two processes racing for it one gets it and the other gets
 * nothing. Parameters: $1 staleness limit, $2 claim duration, then the condition's own.
 */
function claimStatement(condition: string): string {
  return `UPDATE order_saga
          SET state = 'COMPENSATING',
              attempts = attempts + 1,
              locked_until = now() + $2::int * interval '1 millisecond',
              next_attempt_at = COALESCE(next_attempt_at, now()),
              last_error = CASE WHEN state = 'STARTED' THEN '${ABANDONED}' ELSE last_error END,
              updated_at = now()
          WHERE ${condition}
          RETURNING *`;
}

/**
 * The durable record of every purchase and refund saga (table order_saga). Every state change
 * is one conditional statement, so that the request running a saga and the compensation worker
 * can never both act on it. Nothing here holds a transaction across a call to another service.
 */
@Injectable()
export class SagaJournal {
  constructor(
    @InjectRepository(OrderSaga) private readonly sagas: Repository<OrderSaga>,
    private readonly timing: SagaTiming,
  ) {}

  /** Records that a purchase of a new order is about to begin. */
  async startPurchase(saga: NewSaga): Promise<OrderSaga> {
    return this.insert(this.sagas.manager, SagaKind.PURCHASE, saga);
  }

  /**
   * Records that the refund of a paid order is about to begin. The order row is locked while the
   * saga is inserted, so a refund that completes in parallel is seen (409, already canceled),
   * and one still running holds the only unfinished REFUND of the order (409 too).
   */
  async startRefund(saga: NewSaga): Promise<OrderSaga> {
    return this.sagas.manager.transaction(async (manager) => {
      const [order] = await queryRows<{ status: OrderStatus }>(
        manager,
        'SELECT status FROM orders WHERE order_uid = $1 FOR UPDATE',
        [saga.orderUid],
      );
      if (!order) throw new NotFoundError(`Order '${saga.orderUid}' not found`);
      assertCancelable({ orderUid: saga.orderUid, status: order.status });
      return this.insert(manager, SagaKind.REFUND, saga);
    });
  }

  /**
   * A step of a STARTED saga is done (and what it learnt): refreshes updated_at, so the saga is
   * not taken for abandoned. Throws SagaTakenOverError if the worker has taken it over.
   */
  async recordProgress(id: number, itemUid?: string): Promise<void> {
    const rows = await queryRows<{ id: number }>(
      this.sagas.manager,
      `UPDATE order_saga SET item_uid = COALESCE($2, item_uid), updated_at = now()
       WHERE id = $1 AND state = 'STARTED' RETURNING id`,
      [id, itemUid ?? null],
    );
    if (rows.length === 0) throw new SagaTakenOverError();
  }

  /** The item a compensation has found out about, so that later attempts need not ask again. */
  async recordItem(id: number, itemUid: string): Promise<void> {
    await queryRows(
      this.sagas.manager,
      `UPDATE order_saga SET item_uid = $2, updated_at = now() WHERE id = $1 AND state = 'COMPENSATING'`,
      [id, itemUid],
    );
  }

  /**
   * The last step of a purchase: the order row appears in the same transaction in which the
   * saga becomes COMPLETED, and only if the saga is still STARTED (not taken over), so there is
   * never an order row for a purchase that is being rolled back.
   */
  async completePurchase(id: number, order: Pick<Order, 'orderUid' | 'userUid' | 'itemUid'>): Promise<void> {
    await this.sagas.manager.transaction(async (manager) => {
      await this.complete(manager, id);
      await manager.insert(Order, { ...order, orderDate: new Date(), status: OrderStatus.PAID });
    });
  }

  /** The last step of a refund: the order becomes CANCELED as the saga becomes COMPLETED. */
  async completeRefund(id: number, orderUid: string): Promise<void> {
    await this.sagas.manager.transaction(async (manager) => {
      await this.complete(manager, id);
      const canceled = await queryRows<{ id: number }>(
        manager,
        `UPDATE orders SET status = $2 WHERE order_uid = $1 AND status = $3 RETURNING id`,
        [orderUid, OrderStatus.CANCELED, OrderStatus.PAID],
      );
      // startRefund let this saga begin only for a PAID order, and no other refund could run.
      if (canceled.length === 0)
        throw new Error(`Order '${orderUid}' was no longer PAID at the end of its refund`);
    });
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
       RETURNING *`,
      [id, this.timing.claimMs, clip(error)],
    );
    return row ? fromRow(row) : undefined;
  }

  /** Every compensating step has run (from COMPENSATING), or nothing was done (from STARTED). */
  async markRolledBack(
    id: number,
    from: SagaState.STARTED | SagaState.COMPENSATING,
    reason?: string,
  ): Promise<void> {
    await queryRows(
      this.sagas.manager,
      `UPDATE order_saga
       SET state = 'ROLLED_BACK', locked_until = NULL, next_attempt_at = NULL,
           last_error = COALESCE($3, last_error), updated_at = now()
       WHERE id = $1 AND state = $2`,
      [id, from, reason === undefined ? null : clip(reason)],
    );
  }

  /** A compensating step could not run now: releases the claim and sets when to try again. */
  async scheduleRetry(id: number, delayMs: number, error: string): Promise<void> {
    await queryRows(
      this.sagas.manager,
      `UPDATE order_saga
       SET next_attempt_at = now() + $2::int * interval '1 millisecond', locked_until = NULL,
           last_error = $3, updated_at = now()
       WHERE id = $1 AND state = 'COMPENSATING'`,
      [id, Math.round(delayMs), clip(error)],
    );
  }

  /**
   * Claims the next saga that needs compensating now: a COMPENSATING one whose retry is due and
   * that nobody has claimed, or a STARTED one that was abandoned. SKIP LOCKED lets parallel
   * workers pass over a row another one is claiming instead of queueing behind it.
   */
  async claimNext(): Promise<OrderSaga | undefined> {
    const due = `(${IS_STALE}) OR (state = 'COMPENSATING' AND next_attempt_at <= now() AND ${IS_UNCLAIMED})`;
    const [row] = await queryRows<SagaRow>(
      this.sagas.manager,
      claimStatement(
        `id = (SELECT id FROM order_saga WHERE ${due} ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AND (${due})`,
      ),
      [this.timing.staleAfterMs, this.timing.claimMs],
    );
    return row ? fromRow(row) : undefined;
  }

  /**
   * Claims one unfinished saga now, without waiting for its retry to be due (a user tries again);
   * undefined while it is being worked on (a live STARTED saga, or a claimed one).
   */
  async claim(id: number): Promise<OrderSaga | undefined> {
    const [row] = await queryRows<SagaRow>(
      this.sagas.manager,
      claimStatement(`id = $3 AND ((${IS_STALE}) OR (state = 'COMPENSATING' AND ${IS_UNCLAIMED}))`),
      [this.timing.staleAfterMs, this.timing.claimMs, id],
    );
    return row ? fromRow(row) : undefined;
  }

  /** The STARTED or COMPENSATING saga of this kind for the order, if any. */
  async findUnfinished(orderUid: string, kind: SagaKind): Promise<OrderSaga | undefined> {
    const saga = await this.sagas
      .createQueryBuilder('saga')
      .where('saga.orderUid = :orderUid AND saga.kind = :kind', { orderUid, kind })
      .andWhere('saga.state IN (:...states)', { states: [SagaState.STARTED, SagaState.COMPENSATING] })
      .getOne();
    return saga ?? undefined;
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
         SELECT GREATEST(next_attempt_at, locked_until) FROM order_saga WHERE state = 'COMPENSATING'
       ) AS pending`,
      [this.timing.staleAfterMs],
    );
    const waitMs = row?.wait_ms;
    return waitMs === null || waitMs === undefined ? undefined : Math.max(0, waitMs);
  }

  private async insert(manager: EntityManager, kind: SagaKind, saga: NewSaga): Promise<OrderSaga> {
    try {
      const [row] = await queryRows<SagaRow>(
        manager,
        `INSERT INTO order_saga (kind, order_uid, user_uid, model, size, item_uid, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'STARTED')
         RETURNING *`,
        [kind, saga.orderUid, saga.userUid, saga.model, saga.size, saga.itemUid],
      );
      return fromRow(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new ConflictError(`A ${kind.toLowerCase()} of order '${saga.orderUid}' is in progress already`);
    }
  }

  private async complete(manager: EntityManager, id: number): Promise<void> {
    const rows = await queryRows<{ id: number }>(
      manager,
      `UPDATE order_saga SET state = 'COMPLETED', updated_at = now() WHERE id = $1 AND state = 'STARTED' RETURNING id`,
      [id],
    );
    if (rows.length === 0) throw new SagaTakenOverError();
  }
}

/** What the sagas need of the journal; lets unit tests hand them a typed stand-in. */
export type SagaJournalPort = Pick<SagaJournal, keyof SagaJournal>;
