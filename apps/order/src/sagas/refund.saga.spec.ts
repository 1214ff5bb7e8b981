import { OrderStatus } from '@app/contracts';
import { runInContext } from '@app/request-context';
import { ConflictError, NotFoundError, ServiceUnavailableError, UnprocessableError } from '@app/errors';
import { ITEM_UID, makeSaga, ORDER_UID, REQUEST_KEY, USER_UID } from '@test/doubles/factories';
import { CallLog, recordingRecovery, StubJournal, StubWarehouse, StubWarranty } from '@test/doubles/sagas';
import { Order } from '../orders/order.entity';
import { SagaKind, SagaState } from './order-saga.entity';
import { RefundSaga } from './refund.saga';
import { PastDeadlineError } from './saga-journal';
import { SagaRecovery } from './saga-recovery';

function paidOrder(overrides: Partial<Order> = {}): Order {
  return Object.assign(new Order(), {
    id: 7,
    orderUid: ORDER_UID,
    userUid: USER_UID,
    itemUid: ITEM_UID,
    orderDate: new Date(),
    status: OrderStatus.PAID,
    ...overrides,
  });
}

describe(RefundSaga.name, () => {
  let log: CallLog;
  let journal: StubJournal;
  let retries: number[];
  let recovery: SagaRecovery;
  let sut: RefundSaga;

  beforeEach(() => {
    log = new CallLog();
    journal = new StubJournal(log);
    ({ recovery, retries } = recordingRecovery(journal));
    sut = new RefundSaga(journal, recovery, new StubWarehouse(log), new StubWarranty(log));
  });

  it('asks both services about the item, commits the refund (the pivot), then returns the item and closes the warranty', async () => {
    await sut.run(paidOrder());

    expect(log.calls).toEqual([
      'warehouse.find item', // both up? only reads: nothing changes before the pivot
      'warranty.find item',
      'journal.commit', // order CANCELED and saga COMMITTED, one transaction
      'warehouse.return item', // now, and only now, the unit goes back to stock
      'warranty.close item',
      'journal.completed',
    ]);
    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it.each([
    ['warehouse', 'warehouse.find item'],
    ['warranty', 'warranty.find item'],
  ])('with %s down before the pivot: fails with its 503 and nothing has changed', async (service, call) => {
    const failure = new ServiceUnavailableError(service === 'warehouse' ? 'Warehouse' : 'Warranty');
    log.failNext(call, failure);

    await expect(sut.run(paidOrder())).rejects.toBe(failure);

    expect(log.calls).not.toContain('journal.commit');
    expect(journal.orderStatus).toBe('PAID');
    expect(journal.saga).toBeUndefined();
  });

  it('takes a 404 about the item as an answer: the service is up', async () => {
    log.failNext('warranty.find item', new NotFoundError('Warranty not found'));

    await sut.run(paidOrder());

    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it('once committed, succeeds even if a remaining step cannot run now; the worker finishes it', async () => {
    log.failNext('warranty.close item', new ServiceUnavailableError('Warranty'));

    await expect(sut.run(paidOrder())).resolves.toBeUndefined();

    expect(log.calls.slice(2)).toEqual([
      'journal.commit',
      'warehouse.return item', // runs although the close fails
      'warranty.close item',
      'journal.retryIn 1000',
    ]);
    expect(journal.state).toBe(SagaState.COMMITTED);
    expect(retries).toEqual([1000]);
  });

  it('counts a 404 of a remaining step as done', async () => {
    log.failNext('warranty.close item', new NotFoundError('Warranty not found'));

    await sut.run(paidOrder());

    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it("answers 204 when the pivot's commit went through although its answer was lost", async () => {
    const commitRefund = journal.commitRefund.bind(journal);
    journal.commitRefund = async (saga) => {
      await commitRefund(saga);
      throw new Error('Connection terminated unexpectedly'); // after the commit
    };

    await expect(sut.run(paidOrder())).resolves.toBeUndefined();

    expect(log.calls.slice(3)).toEqual([
      'journal.findCommitted',
      'warehouse.return item',
      'warranty.close item',
      'journal.completed',
    ]);
  });

  it('past its deadline before the pivot: 503, and nothing is committed', async () => {
    const context = { requestId: 'r1', deadline: Date.now() + 60_000 };
    const find = log.call.bind(log);
    log.call = (name, result) => {
      if (name === 'warranty.find item') context.deadline = Date.now() - 1; // the questions took too long
      return find(name, result);
    };

    await expect(runInContext(context, () => sut.run(paidOrder()))).rejects.toBeInstanceOf(PastDeadlineError);

    expect(log.calls).not.toContain('journal.commit');
    expect(journal.orderStatus).toBe('PAID');
  });

  it('does not keep its caller waiting past the deadline for the remaining steps', async () => {
    let releaseReturn!: () => void;
    const returnItem = new Promise<void>((resolve) => (releaseReturn = resolve));
    const warehouse = new StubWarehouse(log);
    warehouse.returnItem = () => returnItem;
    sut = new RefundSaga(journal, recovery, warehouse, new StubWarranty(log));

    await runInContext({ requestId: 'r2', deadline: Date.now() + 50 }, () => sut.run(paidOrder()));

    expect(journal.state).toBe(SagaState.COMMITTED); // answered; the return still on its way
    releaseReturn();
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('refuses a canceled order with 409 without asking anybody', async () => {
    await expect(sut.run(paidOrder({ status: OrderStatus.CANCELED }))).rejects.toBeInstanceOf(ConflictError);
    expect(log.calls).toEqual([]);
  });

  it('loses to a refund that committed in parallel: 409', async () => {
    journal.orderStatus = 'CANCELED';

    await expect(sut.run(paidOrder())).rejects.toThrow('already canceled');
    expect(log.calls).not.toContain('warehouse.return item');
  });

  describe('with an Idempotency-Key', () => {
    it('answers a refund that committed as done, doing nothing again', async () => {
      journal.earlier = makeSaga(SagaKind.REFUND, { requestKey: REQUEST_KEY, state: SagaState.COMMITTED });

      await sut.run(paidOrder({ status: OrderStatus.CANCELED }), REQUEST_KEY);

      expect(log.calls).toEqual(['journal.findByKey']);
    });

    it('answers as done when a twin request with the key committed first', async () => {
      const findByRequestKey = journal.findByRequestKey.bind(journal);
      let looks = 0;
      journal.findByRequestKey = (kind, key) => {
        looks += 1;
        if (looks === 2) journal.earlier = makeSaga(SagaKind.REFUND, { requestKey: REQUEST_KEY });
        return findByRequestKey(kind, key);
      };
      journal.orderStatus = 'CANCELED'; // the twin's commit

      await expect(sut.run(paidOrder(), REQUEST_KEY)).resolves.toBeUndefined();
      expect(log.calls).not.toContain('warehouse.return item');
    });

    it('is a 422 when the key was used for the refund of another order', async () => {
      journal.earlier = makeSaga(SagaKind.REFUND, {
        requestKey: REQUEST_KEY,
        orderUid: '11111111-2222-4333-8444-555555555555',
      });

      await expect(sut.run(paidOrder(), REQUEST_KEY)).rejects.toBeInstanceOf(UnprocessableError);
    });
  });

  it('finish (the worker): runs both remaining steps even when the first cannot run now', async () => {
    const failure = new ServiceUnavailableError('Warehouse');
    log.failNext('warehouse.return item', failure);

    await expect(
      sut.finish(makeSaga(SagaKind.REFUND, { state: SagaState.COMMITTED, itemUid: ITEM_UID })),
    ).rejects.toBe(failure);

    expect(log.calls).toEqual(['warehouse.return item', 'warranty.close item']);
  });
});
