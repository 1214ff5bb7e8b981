import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BaseServiceConfig } from '@app/config';
import { OrderStatus, Size } from '@app/contracts';
import { queryRows } from '@app/database';
import { ConflictError, InProgressError } from '@app/errors';
import { orderSchema } from '../../apps/order/src/database/schema';
import { OrderConfig } from '../../apps/order/src/order.config';
import { Order } from '../../apps/order/src/orders/order.entity';
import { OrderSaga, SagaKind, SagaState } from '../../apps/order/src/sagas/order-saga.entity';
import { NewSaga, SagaJournal, SagaTakenOverError } from '../../apps/order/src/sagas/saga-journal';
import { SagaTiming } from '../../apps/order/src/sagas/saga-timing';
import { describeOnEachEngine, EngineUnderTest } from '../support';

/**
 * The saga journal's conditional statements on both engines: who may act on a saga when, what
 * the compensation worker finds, and when it has to wake up.
 */
const HTTP_TIMEOUT_MS = 10_000; // staleness and claims last 40 s: only ageSaga makes a saga stale

function newSaga(fields: Partial<NewSaga> = {}): NewSaga {
  return {
    orderUid: randomUUID(),
    userUid: randomUUID(),
    model: 'Lego 8070',
    size: Size.M,
    itemUid: null,
    requestKey: null,
    ...fields,
  };
}

function journalSpecs(db: EngineUnderTest): void {
  let dataSource: DataSource;
  let sut: SagaJournal;

  beforeAll(() => {
    dataSource = db.dataSource();
    const timing = new SagaTiming({ HTTP_TIMEOUT_MS } as BaseServiceConfig);
    sut = new SagaJournal(dataSource.getRepository(OrderSaga), timing);
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE order_saga, orders');
  });

  async function stateOf(id: number): Promise<string> {
    const [row] = await queryRows<{ state: string }>(
      dataSource.manager,
      'SELECT state FROM order_saga WHERE id = $1',
      [id],
    );
    return row.state;
  }

  async function ageSaga(id: number): Promise<void> {
    await queryRows(
      dataSource.manager,
      `UPDATE order_saga SET updated_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
  }

  it('has nothing due and no wake-up time when no saga is unfinished', async () => {
    const saga = await sut.startPurchase(newSaga());
    await sut.completePurchase(saga.id, {
      orderUid: saga.orderUid,
      userUid: saga.userUid,
      itemUid: randomUUID(),
    });

    expect(await sut.msUntilNextDue()).toBeUndefined();
    expect(await sut.claimNext()).toBeUndefined();
  });

  it('completes a purchase with its order row in one step, only while STARTED', async () => {
    const saga = await sut.startPurchase(newSaga({ requestKey: randomUUID() }));
    const itemUid = randomUUID();
    await sut.completePurchase(saga.id, { orderUid: saga.orderUid, userUid: saga.userUid, itemUid });

    expect(await stateOf(saga.id)).toBe(SagaState.COMPLETED);
    // The unit is journaled at the pivot, not between the steps.
    expect(await sut.findByRequestKey(SagaKind.PURCHASE, saga.requestKey as string)).toMatchObject({
      itemUid,
    });
    const order = await dataSource.getRepository(Order).findOneByOrFail({ orderUid: saga.orderUid });
    expect(order).toMatchObject({ itemUid, status: OrderStatus.PAID });
  });

  it('completes none of a purchase whose order row cannot be written: the saga stays STARTED', async () => {
    const saga = await sut.startPurchase(newSaga());
    const order = { orderUid: saga.orderUid, userUid: saga.userUid, itemUid: randomUUID() };
    await dataSource
      .getRepository(Order)
      .insert({ ...order, orderDate: new Date(), status: OrderStatus.PAID });

    await expect(sut.completePurchase(saga.id, order)).rejects.toThrow(/duplicate key|unique/i);
    expect(await stateOf(saga.id)).toBe(SagaState.STARTED);
  });

  it('hands a stale STARTED saga to exactly one claimant, and the request then may not finish it', async () => {
    const saga = await sut.startPurchase(newSaga());
    expect(await sut.claimNext()).toBeUndefined(); // fresh: its request is still running
    await ageSaga(saga.id);

    const claims = await Promise.all([sut.claimNext(), sut.claimNext(), sut.claimNext()]);
    const claimed = claims.filter((claim) => claim !== undefined);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ id: saga.id, state: SagaState.COMPENSATING, attempts: 1 });
    expect(claimed[0]?.lastError).toMatch(/^Abandoned/);

    expect(await sut.beginCompensation(saga.id, 'late failure')).toBeUndefined();
    await expect(
      sut.completePurchase(saga.id, {
        orderUid: saga.orderUid,
        userUid: saga.userUid,
        itemUid: randomUUID(),
      }),
    ).rejects.toBeInstanceOf(SagaTakenOverError);
    expect(await dataSource.getRepository(Order).countBy({ orderUid: saga.orderUid })).toBe(0);
    expect(await sut.stateOf(saga.id)).toBe(SagaState.COMPENSATING);
  });

  it('keeps a claimed saga from others until its retry is scheduled, then wakes the worker when due', async () => {
    const saga = await sut.startPurchase(newSaga());
    const claimed = await sut.beginCompensation(saga.id, 'Warranty Service unavailable');
    expect(claimed).toMatchObject({ state: SagaState.COMPENSATING, attempts: 1 });
    expect(await sut.claimNext()).toBeUndefined(); // the request compensates it

    const retryMs = 60_000;
    await sut.scheduleRetry(saga.id, retryMs, 'Warranty Service unavailable');
    const waitMs = (await sut.msUntilNextDue()) as number;
    expect(waitMs).toBeLessThanOrEqual(retryMs);
    expect(waitMs).toBeGreaterThan(retryMs / 2); // nothing here takes half a minute
    expect(await sut.claimNext()).toBeUndefined(); // not due yet

    await sut.scheduleRetry(saga.id, 0, 'still down');
    expect(await sut.claimNext()).toMatchObject({ id: saga.id, attempts: 2 });
    await sut.markRolledBack(saga.id, SagaState.COMPENSATING);
    expect(await stateOf(saga.id)).toBe(SagaState.ROLLED_BACK);
    expect(await sut.msUntilNextDue()).toBeUndefined();
  });

  it('remembers a purchase by its request key: one saga at a time, again after a rollback', async () => {
    const requestKey = randomUUID();
    const first = await sut.startPurchase(newSaga({ requestKey }));
    await expect(sut.startPurchase(newSaga({ requestKey }))).rejects.toBeInstanceOf(InProgressError);
    expect(await sut.findByRequestKey(SagaKind.PURCHASE, requestKey)).toMatchObject({ id: first.id });
    expect(await sut.findByRequestKey(SagaKind.REFUND, requestKey)).toBeUndefined();

    await sut.markRolledBack(first.id, SagaState.STARTED);
    expect(await sut.findByRequestKey(SagaKind.PURCHASE, requestKey)).toBeUndefined();
    const second = await sut.startPurchase(newSaga({ requestKey }));
    expect(await sut.findByRequestKey(SagaKind.PURCHASE, requestKey)).toMatchObject({ id: second.id });
  });

  async function paidOrder(): Promise<{ orderUid: string; userUid: string; itemUid: string }> {
    const purchase = await sut.startPurchase(newSaga());
    const order = { orderUid: purchase.orderUid, userUid: purchase.userUid, itemUid: randomUUID() };
    await sut.completePurchase(purchase.id, order);
    return order;
  }

  it('commits a refund only for a PAID order: the order CANCELED and the saga COMMITTED, claimed by its request', async () => {
    const order = await paidOrder();
    const requestKey = randomUUID();

    const refund = await sut.commitRefund(newSaga({ ...order, requestKey }));

    expect(refund).toMatchObject({ state: SagaState.COMMITTED, requestKey, itemUid: order.itemUid });
    const stored = await dataSource.getRepository(Order).findOneByOrFail({ orderUid: order.orderUid });
    expect(stored.status).toBe(OrderStatus.CANCELED);
    expect(await sut.findByRequestKey(SagaKind.REFUND, requestKey)).toMatchObject({ id: refund.id });
    expect(await sut.claimNext()).toBeUndefined(); // its request finishes it
    await expect(sut.commitRefund(newSaga(order))).rejects.toThrow(
      `Order '${order.orderUid}' is already canceled`,
    );

    await sut.markCompleted(refund.id);
    expect(await stateOf(refund.id)).toBe(SagaState.COMPLETED);
    expect(await sut.msUntilNextDue()).toBeUndefined();
  });

  it('of two refunds of one order committing at once, exactly one wins', async () => {
    const order = await paidOrder();

    const outcomes = await Promise.allSettled([
      sut.commitRefund(newSaga(order)),
      sut.commitRefund(newSaga(order)),
    ]);

    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const [refused] = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused.reason).toBeInstanceOf(ConflictError);
  });

  it('hands a COMMITTED saga whose request died to the worker, which finishes it forward', async () => {
    const order = await paidOrder();
    const refund = await sut.commitRefund(newSaga(order));
    await queryRows(
      dataSource.manager,
      `UPDATE order_saga SET locked_until = now() - interval '1 second', next_attempt_at = now() - interval '1 second'
       WHERE id = $1`,
      [refund.id],
    );

    expect(await sut.msUntilNextDue()).toBe(0);
    const claimed = await sut.claimNext();
    expect(claimed).toMatchObject({ id: refund.id, state: SagaState.COMMITTED, attempts: 1 });
    expect(await sut.claimNext()).toBeUndefined();
    await sut.scheduleRetry(refund.id, 0, 'Warehouse Service unavailable');
    expect(await sut.claimNext()).toMatchObject({ id: refund.id, state: SagaState.COMMITTED, attempts: 2 });
  });

  if (db.engine === 'postgres') {
    it('lets the workers of several instances claim at the same moment without taking a saga twice', async () => {
      const sagas = await Promise.all(Array.from({ length: 12 }, () => sut.startPurchase(newSaga())));
      for (const saga of sagas) await ageSaga(saga.id); // abandoned: every worker may take them
      const timing = new SagaTiming({ HTTP_TIMEOUT_MS } as BaseServiceConfig);
      const instances = await Promise.all([db.openAnother(), db.openAnother(), db.openAnother()]);
      const journals = instances.map(
        (instance) => new SagaJournal(instance.getRepository(OrderSaga), timing),
      );

      // Each worker claims until nothing is left for it, as a round of the SagaWorker does.
      const claimAll = async (journal: SagaJournal) => {
        const mine: number[] = [];
        for (let saga = await journal.claimNext(); saga; saga = await journal.claimNext()) mine.push(saga.id);
        return mine;
      };
      const claimed = (
        await Promise.all(journals.flatMap((journal) => [claimAll(journal), claimAll(journal)]))
      ).flat();

      expect(claimed.sort((a, b) => a - b)).toEqual(sagas.map((saga) => saga.id).sort((a, b) => a - b));
    });
  }
}

describeOnEachEngine(SagaJournal.name, OrderConfig, orderSchema, journalSpecs);
