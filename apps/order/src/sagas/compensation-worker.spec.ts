import { ServiceUnavailableError } from '@app/errors';
import { CompensationWorker, IDLE_LOOK_MS, JOURNAL_RETRY_MS } from './compensation-worker';
import { SagaKind, SagaState } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { RefundSaga } from './refund.saga';
import { SagaCompensator } from './saga-compensator';
import { CallLog, ITEM_UID, makeSaga, StubJournal, StubWarehouse, StubWarranty } from './saga-test-doubles';

describe(CompensationWorker.name, () => {
  let log: CallLog;
  let journal: StubJournal;
  let sut: CompensationWorker;

  beforeEach(() => {
    jest.useFakeTimers();
    log = new CallLog();
    journal = new StubJournal(log);
    const compensator = new SagaCompensator(journal);
    const warehouse = new StubWarehouse(log);
    const warranty = new StubWarranty(log);
    sut = new CompensationWorker(
      journal,
      compensator,
      new PurchaseSaga(journal, compensator, warehouse, warranty),
      new RefundSaga(journal, compensator, warehouse, warranty),
    );
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
    jest.useRealTimers();
  });

  it('at start-up compensates every due saga with the steps of its kind, then sleeps until the next is due', async () => {
    journal.due.push(
      makeSaga(SagaKind.PURCHASE, { id: 1, state: SagaState.COMPENSATING, attempts: 1, itemUid: ITEM_UID }),
      makeSaga(SagaKind.REFUND, { id: 2, state: SagaState.COMPENSATING, attempts: 1 }),
    );
    journal.nextDueMs = 5000;

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.idle();

    expect(log.calls).toEqual([
      'journal.claimNext',
      'warranty.close item', // purchase: warranty closed, item returned
      'warehouse.return item',
      'journal.rolledBack',
      'journal.claimNext',
      'warehouse.take', // refund: item taken back
      'journal.rolledBack',
      'journal.claimNext',
      'journal.nextDue',
    ]);

    log.calls.length = 0;
    await jest.advanceTimersByTimeAsync(4999);
    expect(log.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await sut.idle();
    expect(log.calls).toEqual(['journal.claimNext', 'journal.nextDue']);
  });

  it('retries a failed compensation after its back-off, woken by the retry it scheduled', async () => {
    journal.due.push(makeSaga(SagaKind.REFUND, { state: SagaState.COMPENSATING, attempts: 3 }));
    log.failNext('warehouse.take', new ServiceUnavailableError('Warehouse'));
    journal.nextDueMs = undefined; // as if the due time were not visible: the wake-up alone suffices

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.idle();
    expect(log.calls).toEqual([
      'journal.claimNext',
      'warehouse.take',
      'journal.retryIn 4000',
      'journal.claimNext',
      'journal.nextDue',
    ]);

    log.calls.length = 0;
    journal.due.push(makeSaga(SagaKind.REFUND, { state: SagaState.COMPENSATING, attempts: 4 }));
    await jest.advanceTimersByTimeAsync(4000);
    await sut.idle();
    expect(log.calls).toEqual([
      'journal.claimNext',
      'warehouse.take',
      'journal.rolledBack',
      'journal.claimNext',
      'journal.nextDue',
    ]);
  });

  it('with nothing unfinished looks again only after the idle interval', async () => {
    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.idle();
    log.calls.length = 0;

    await jest.advanceTimersByTimeAsync(IDLE_LOOK_MS - 1);
    expect(log.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await sut.idle();
    expect(log.calls).toEqual(['journal.claimNext', 'journal.nextDue']);
  });

  it('when the journal fails, tries again after a pause instead of spinning', async () => {
    log.failNext('journal.claimNext', new Error('database gone'));

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.idle();
    expect(log.calls).toEqual(['journal.claimNext']);

    await jest.advanceTimersByTimeAsync(JOURNAL_RETRY_MS);
    await sut.idle();
    expect(log.calls).toEqual(['journal.claimNext', 'journal.claimNext', 'journal.nextDue']);
  });

  it('after shutdown starts no pass any more', async () => {
    sut.onApplicationBootstrap();
    await sut.onModuleDestroy();

    await jest.advanceTimersByTimeAsync(IDLE_LOOK_MS * 2);
    expect(log.calls).toEqual([]);
  });
});
