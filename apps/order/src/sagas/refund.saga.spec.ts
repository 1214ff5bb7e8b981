import { OrderStatus } from '@app/contracts';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@app/errors';
import { Order } from '../orders/order.entity';
import { SagaKind, SagaState } from './order-saga.entity';
import { RefundSaga } from './refund.saga';
import { SagaCompensator } from './saga-compensator';
import {
  CallLog,
  ITEM_UID,
  makeSaga,
  ORDER_UID,
  StubJournal,
  StubWarehouse,
  StubWarranty,
  USER_UID,
} from './saga-test-doubles';

const ORDER = Object.assign(new Order(), {
  id: 7,
  orderUid: ORDER_UID,
  userUid: USER_UID,
  itemUid: ITEM_UID,
  orderDate: new Date(),
  status: OrderStatus.PAID,
});

describe(RefundSaga.name, () => {
  let log: CallLog;
  let journal: StubJournal;
  let sut: RefundSaga;

  beforeEach(() => {
    log = new CallLog();
    journal = new StubJournal(log);
    sut = new RefundSaga(
      journal,
      new SagaCompensator(journal),
      new StubWarehouse(log),
      new StubWarranty(log),
    );
  });

  it('returns the item, closes the warranty last, then cancels the order as the saga completes', async () => {
    await sut.run(ORDER);

    expect(log.calls).toEqual([
      'journal.findUnfinished',
      'warehouse.find', // model and size, which a re-take would need
      'journal.start',
      'warehouse.return item',
      'journal.progress',
      'warranty.close item',
      'journal.complete',
    ]);
    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it('with warehouse down from the start: fails before anything was done', async () => {
    const failure = new ServiceUnavailableError('Warehouse');
    log.failNext('warehouse.find', failure);

    await expect(sut.run(ORDER)).rejects.toBe(failure);

    expect(log.calls).toEqual(['journal.findUnfinished', 'warehouse.find']);
    expect(journal.saga).toBeUndefined();
  });

  it('with warranty down: takes the item back, so the order keeps it, and fails naming warranty', async () => {
    const failure = new ServiceUnavailableError('Warranty');
    log.failNext('warranty.close item', failure);

    await expect(sut.run(ORDER)).rejects.toBe(failure);

    expect(log.calls.slice(3)).toEqual([
      'warehouse.return item',
      'journal.progress',
      'warranty.close item',
      'journal.compensating',
      'warehouse.take', // the re-take for the same order
      'journal.rolledBack',
    ]);
    expect(journal.state).toBe(SagaState.ROLLED_BACK);
  });

  it('with warehouse failing at the return and still down: leaves the re-take for the worker', async () => {
    log.failNext('warehouse.return item', new ServiceUnavailableError('Warehouse'));
    log.failNext('warehouse.take', new ServiceUnavailableError('Warehouse'));

    await expect(sut.run(ORDER)).rejects.toThrow('Warehouse Service unavailable');

    expect(log.calls.slice(3)).toEqual([
      'warehouse.return item',
      'journal.compensating',
      'warehouse.take',
      'journal.retryIn 1000',
    ]);
    expect(journal.state).toBe(SagaState.COMPENSATING);
  });

  it('goes on when warranty has no warranty to close (404)', async () => {
    log.failNext('warranty.close item', new NotFoundError('Warranty not found'));

    await sut.run(ORDER);

    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it('first rolls back an earlier attempt whose rollback is pending, then refunds', async () => {
    journal.saga = makeSaga(SagaKind.REFUND, {
      state: SagaState.COMPENSATING,
      attempts: 2,
      itemUid: ITEM_UID,
    });

    await sut.run(ORDER);

    expect(log.calls.slice(0, 5)).toEqual([
      'journal.findUnfinished',
      'journal.claim',
      'warehouse.take',
      'journal.rolledBack',
      'warehouse.find',
    ]);
    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it('fails with the reason when the earlier rollback still cannot run', async () => {
    journal.saga = makeSaga(SagaKind.REFUND, {
      state: SagaState.COMPENSATING,
      attempts: 2,
      itemUid: ITEM_UID,
    });
    const failure = new ServiceUnavailableError('Warehouse');
    log.failNext('warehouse.take', failure);

    await expect(sut.run(ORDER)).rejects.toBe(failure);

    expect(log.calls).toEqual([
      'journal.findUnfinished',
      'journal.claim',
      'warehouse.take',
      'journal.retryIn 4000',
    ]);
  });

  it('is a conflict while another refund of the order is running', async () => {
    journal.saga = makeSaga(SagaKind.REFUND, { state: SagaState.STARTED });

    await expect(sut.run(ORDER)).rejects.toThrow(ConflictError);

    expect(log.calls).toEqual(['journal.findUnfinished', 'journal.claim']);
  });

  it('compensates by re-taking the item for the same order', async () => {
    await sut.compensate(makeSaga(SagaKind.REFUND, { state: SagaState.COMPENSATING }));

    expect(log.calls).toEqual(['warehouse.take']);
  });
});
