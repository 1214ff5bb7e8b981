import { BaseServiceConfig } from '@app/config';
import { ServiceUnavailableError } from '@app/errors';
import { ITEM_UID, makeSaga } from '@test/doubles/factories';
import { CallLog, StubJournal, StubWarehouse, StubWarranty } from '@test/doubles/sagas';
import { SagaKind, SagaState } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { RefundSaga } from './refund.saga';
import { SagaRecovery } from './saga-recovery';
import { SagaTiming } from './saga-timing';
import { IDLE_LOOK_MS, JOURNAL_RETRY_MS, SagaWorker } from './saga-worker';

describe(SagaWorker.name, () => {
  let log: CallLog;
  let journal: StubJournal;
  let sut: SagaWorker;

  beforeEach(() => {
    jest.useFakeTimers();
    log = new CallLog();
    journal = new StubJournal(log);
    const recovery = new SagaRecovery(
      journal,
      new SagaTiming({ HTTP_TIMEOUT_MS: 1000 } as BaseServiceConfig),
    );
    const warehouse = new StubWarehouse(log);
    const warranty = new StubWarranty(log);
    sut = new SagaWorker(
      journal,
      recovery,
      new PurchaseSaga(journal, recovery, warehouse, warranty),
      new RefundSaga(journal, recovery, warehouse, warranty),
    );
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
    jest.useRealTimers();
  });

  it('at start-up undoes due purchases and finishes committed refunds, then sleeps until the next is due', async () => {
    journal.due.push(
      makeSaga(SagaKind.PURCHASE, { id: 1, state: SagaState.COMPENSATING, attempts: 1, itemUid: ITEM_UID }),
      makeSaga(SagaKind.REFUND, { id: 2, state: SagaState.COMMITTED, attempts: 1, itemUid: ITEM_UID }),
    );
    journal.nextDueMs = 5000;

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.idle();

    expect(log.calls).toEqual([
      'journal.claimNext',
      'warehouse.void order', // purchase: undone
      'warranty.void item',
      'journal.rolledBack',
      'journal.claimNext',
      'warehouse.return item', // refund: forward
      'warranty.close item',
      'journal.completed',
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

  it('retries a failed recovery after its back-off, woken by the retry it scheduled', async () => {
    journal.due.push(
      makeSaga(SagaKind.REFUND, { state: SagaState.COMMITTED, attempts: 3, itemUid: ITEM_UID }),
    );
    log.failNext('warehouse.return item', new ServiceUnavailableError('Warehouse'));
    journal.nextDueMs = undefined; // as if the due time were not visible: the wake-up alone suffices

    sut.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(0);
    await sut.idle();
    expect(log.calls).toEqual([
      'journal.claimNext',
      'warehouse.return item',
      'warranty.close item',
      'journal.retryIn 4000',
      'journal.claimNext',
      'journal.nextDue',
    ]);

    log.calls.length = 0;
    journal.due.push(
      makeSaga(SagaKind.REFUND, { state: SagaState.COMMITTED, attempts: 4, itemUid: ITEM_UID }),
    );
    await jest.advanceTimersByTimeAsync(3999);
    expect(log.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await sut.idle();
    expect(log.calls).toEqual([
      'journal.claimNext',
      'warehouse.return item',
      'warranty.close item',
      'journal.completed',
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

    await jest.advanceTimersByTimeAsync(JOURNAL_RETRY_MS - 1);
    expect(log.calls).toEqual(['journal.claimNext']);
    await jest.advanceTimersByTimeAsync(1);
    await sut.idle();
    expect(log.calls).toEqual(['journal.claimNext', 'journal.claimNext', 'journal.nextDue']);
  });

  it('after shutdown starts no round any more', async () => {
    sut.onApplicationBootstrap();
    await sut.onModuleDestroy();

    await jest.advanceTimersByTimeAsync(IDLE_LOOK_MS * 2);
    expect(log.calls).toEqual([]);
  });
});
