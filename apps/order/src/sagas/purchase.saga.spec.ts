import {
  ConflictError,
  InProgressError,
  NotFoundError,
  ServiceUnavailableError,
  UnprocessableError,
} from '@app/errors';
import { ITEM_UID, makeSaga, ORDER_UID, REQUEST_KEY, SELECTION, USER_UID } from '@test/doubles/factories';
import { CallLog, recordingRecovery, StubJournal, StubWarehouse, StubWarranty } from '@test/doubles/sagas';
import { runInContext } from '@app/request-context';
import { SagaKind, SagaState } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { PastDeadlineError, SagaTakenOverError } from './saga-journal';
import { SagaRecovery } from './saga-recovery';

const warehouseDown = () => new ServiceUnavailableError('Warehouse');
const warrantyDown = () => new ServiceUnavailableError('Warranty');

describe(PurchaseSaga.name, () => {
  let log: CallLog;
  let journal: StubJournal;
  let retries: number[];
  let recovery: SagaRecovery;
  let sut: PurchaseSaga;

  beforeEach(() => {
    log = new CallLog();
    journal = new StubJournal(log);
    ({ recovery, retries } = recordingRecovery(journal));
    sut = new PurchaseSaga(journal, recovery, new StubWarehouse(log), new StubWarranty(log));
  });

  it('takes the item, starts its warranty, then stores the order as the saga completes (the pivot)', async () => {
    const result = await sut.run(USER_UID, SELECTION);

    expect(result).toEqual({ orderUid: journal.saga?.orderUid });
    expect(log.calls).toEqual(['journal.start', 'warehouse.take', 'warranty.start item', 'journal.complete']);
    expect(journal.state).toBe(SagaState.COMPLETED);
    expect(journal.saga?.itemUid).toBe(ITEM_UID); // recorded at the pivot
  });

  it.each([
    ['409 none left', new ConflictError("No 'Lego 8070' of size M left in the warehouse")],
    ['404 unknown item', new NotFoundError("Item 'Lego 8070' of size M not found")],
  ])('passes warehouse %s through unchanged, with nothing to compensate', async (_case, answer) => {
    log.failNext('warehouse.take', answer);

    await expect(sut.run(USER_UID, SELECTION)).rejects.toBe(answer);

    expect(log.calls).toEqual(['journal.start', 'warehouse.take', 'journal.rolledBack']);
    expect(journal.state).toBe(SagaState.ROLLED_BACK);
  });

  it('with warranty down: returns the item and tries to void the warranty before failing, and retries later', async () => {
    const failure = warrantyDown();
    log.failNext('warranty.start item', failure);
    log.failNext('warranty.void item', warrantyDown());

    await expect(sut.run(USER_UID, SELECTION)).rejects.toBe(failure);

    expect(log.calls).toEqual([
      'journal.start',
      'warehouse.take',
      'warranty.start item',
      'journal.compensating',
      'warehouse.void order', // the stock restored at once; its answer names the unit ...
      'warranty.void item', // ... whose warranty is voided: fails, warranty is down
      'journal.retryIn 1000',
    ]);
    expect(journal.state).toBe(SagaState.COMPENSATING);
    expect(retries).toEqual([1000]);
  });

  it('rolls back completely when the warranty start timed out but warranty answers the void', async () => {
    log.failNext('warranty.start item', warrantyDown());

    await expect(sut.run(USER_UID, SELECTION)).rejects.toThrow('Warranty Service unavailable');

    expect(log.calls.slice(3)).toEqual([
      'journal.compensating',
      'warehouse.void order',
      'warranty.void item',
      'journal.rolledBack',
    ]);
    expect(journal.state).toBe(SagaState.ROLLED_BACK);
  });

  it('with warehouse unavailable at the take: voids the order at warehouse (its unit, if taken, back; no take later)', async () => {
    const failure = warehouseDown();
    log.failNext('warehouse.take', failure);
    const warehouse = new StubWarehouse(log);
    sut = new PurchaseSaga(journal, recovery, warehouse, new StubWarranty(log));

    await expect(sut.run(USER_UID, SELECTION)).rejects.toBe(failure);

    expect(log.calls).toEqual([
      'journal.start',
      'warehouse.take', // timed out: it may have taken a unit, or may still arrive
      'journal.compensating',
      'warehouse.void order', // the stand-in's take went through: the answer names the unit ...
      'warranty.void item', // ... and its warranty, never started, is fenced off
      'journal.rolledBack',
    ]);
    expect(warehouse.voided).toEqual([journal.saga?.orderUid]);
  });

  it('with warehouse still down for the compensation: leaves the saga COMPENSATING for a retry', async () => {
    log.failNext('warehouse.take', warehouseDown());
    log.failNext('warehouse.void order', warehouseDown());

    await expect(sut.run(USER_UID, SELECTION)).rejects.toThrow('Warehouse Service unavailable');

    expect(log.calls.slice(2)).toEqual([
      'journal.compensating',
      'warehouse.void order', // down: which unit the order holds is not known, so no warranty void yet
      'journal.retryIn 1000',
    ]);
    expect(journal.state).toBe(SagaState.COMPENSATING);
  });

  it('with warehouse down after the warranty started, still voids that warranty before failing', async () => {
    const failure = new Error('database gone');
    log.failNext('journal.complete', failure);
    log.failNext('warehouse.void order', warehouseDown());

    await expect(sut.run(USER_UID, SELECTION)).rejects.toBe(failure);

    expect(log.calls.slice(3)).toEqual([
      'journal.complete',
      'journal.stateOf',
      'journal.compensating',
      'warehouse.void order', // down: it cannot name the unit ...
      'warranty.void item', // ... but this request knows it
      'journal.retryIn 1000',
    ]);
    expect(journal.saga?.itemUid).toBeNull(); // the worker's retry learns it from warehouse
  });

  it('compensates when the order cannot be stored, and fails with that error', async () => {
    const failure = new Error('database gone');
    log.failNext('journal.complete', failure);

    await expect(sut.run(USER_UID, SELECTION)).rejects.toBe(failure);

    expect(log.calls.slice(3)).toEqual([
      'journal.complete',
      'journal.stateOf', // the commit did not go through: still STARTED
      'journal.compensating',
      'warehouse.void order',
      'warranty.void item',
      'journal.rolledBack',
    ]);
  });

  it('answers with the order when the pivot committed although its answer was lost', async () => {
    const completePurchase = journal.completePurchase.bind(journal);
    journal.completePurchase = async (id, order) => {
      await completePurchase(id, order);
      throw new Error('Connection terminated unexpectedly'); // after the commit
    };

    await expect(sut.run(USER_UID, SELECTION)).resolves.toEqual({ orderUid: journal.saga?.orderUid });

    expect(log.calls.slice(-2)).toEqual(['journal.complete', 'journal.stateOf']);
    expect(journal.state).toBe(SagaState.COMPLETED);
  });

  it('leaves a saga the worker has taken over to the worker: its pivot does not happen', async () => {
    journal.completePurchase = async () => {
      await log.call('journal.complete', undefined);
      if (journal.saga) journal.saga.state = SagaState.COMPENSATING; // the worker found it stale
      throw new SagaTakenOverError();
    };

    await expect(sut.run(USER_UID, SELECTION)).rejects.toThrow('Order Service unavailable');

    expect(log.calls).toEqual([
      'journal.start',
      'warehouse.take',
      'warranty.start item',
      'journal.complete',
      'journal.stateOf', // COMPENSATING, not COMPLETED
      'journal.compensating', // refused: the worker holds it
    ]);
  });

  describe('with an Idempotency-Key', () => {
    it('records the key with the saga', async () => {
      await sut.run(USER_UID, SELECTION, REQUEST_KEY);

      expect(log.calls[0]).toBe('journal.findByKey');
      expect(journal.saga?.requestKey).toBe(REQUEST_KEY);
    });

    it('answers a purchase that completed with its order, buying nothing', async () => {
      journal.earlier = makeSaga(SagaKind.PURCHASE, { requestKey: REQUEST_KEY, state: SagaState.COMPLETED });

      await expect(sut.run(USER_UID, SELECTION, REQUEST_KEY)).resolves.toEqual({ orderUid: ORDER_UID });

      expect(log.calls).toEqual(['journal.findByKey']);
    });

    it.each([SagaState.STARTED, SagaState.COMPENSATING])(
      'is a 409 to retry while the first is %s',
      async (state) => {
        journal.earlier = makeSaga(SagaKind.PURCHASE, { requestKey: REQUEST_KEY, state });

        await expect(sut.run(USER_UID, SELECTION, REQUEST_KEY)).rejects.toBeInstanceOf(InProgressError);
        expect(log.calls).toEqual(['journal.findByKey']);
      },
    );

    it('is a 422 for another purchase under the same key', async () => {
      journal.earlier = makeSaga(SagaKind.PURCHASE, {
        requestKey: REQUEST_KEY,
        state: SagaState.COMPLETED,
        model: 'Lego 8880',
      });

      await expect(sut.run(USER_UID, SELECTION, REQUEST_KEY)).rejects.toBeInstanceOf(UnprocessableError);
    });
  });

  describe('compensate (the worker, after a crash)', () => {
    const died = () => makeSaga(SagaKind.PURCHASE, { state: SagaState.COMPENSATING });
    let warehouse: StubWarehouse;

    beforeEach(() => {
      warehouse = new StubWarehouse(log);
      sut = new PurchaseSaga(journal, recovery, warehouse, new StubWarranty(log));
    });

    it('of a saga whose take never reached warehouse: voids the order only (it holds no unit)', async () => {
      await sut.compensate(died());

      expect(log.calls).toEqual(['warehouse.void order']);
    });

    it('of a saga that died after its take: voids the order, then the warranty of the unit warehouse names', async () => {
      await warehouse.takeItem({ orderUid: ORDER_UID, ...SELECTION });

      await sut.compensate(died());

      expect(log.calls).toEqual(['warehouse.take', 'warehouse.void order', 'warranty.void item']);
    });

    it('trusts the unit warehouse names over one the saga carries', async () => {
      const named = '0b7e7d0e-7c1f-4f3e-9d0a-3f6f3a1c2b9e';
      warehouse.voidOrder = (orderUid) => {
        warehouse.voided.push(orderUid);
        return log.call('warehouse.void order', { orderItemUid: named });
      };

      await sut.compensate(makeSaga(SagaKind.PURCHASE, { state: SagaState.COMPENSATING, itemUid: ITEM_UID }));

      expect(log.calls).toEqual(['warehouse.void order', `warranty.void ${named}`]);
    });

    it('fails when a step cannot run now, after trying the others', async () => {
      await warehouse.takeItem({ orderUid: ORDER_UID, ...SELECTION });
      const failure = warrantyDown();
      log.failNext('warranty.void item', failure);

      await expect(sut.compensate(died())).rejects.toBe(failure);

      expect(log.calls).toEqual(['warehouse.take', 'warehouse.void order', 'warranty.void item']);
    });

    it('is not done while warehouse voids without naming the unit (an earlier version, 204): retried later', async () => {
      warehouse.voidOrder = async (orderUid) => {
        await log.call('warehouse.void order', undefined);
        warehouse.voided.push(orderUid);
        return undefined as never; // 204: no body
      };

      await expect(sut.compensate(died())).rejects.toThrow('without naming its unit');

      expect(log.calls).toEqual(['warehouse.void order']);
    });

    it('with warehouse down, voids the warranty a saga journaled by an earlier version names', async () => {
      log.failNext('warehouse.void order', warehouseDown());

      await expect(
        sut.compensate(makeSaga(SagaKind.PURCHASE, { state: SagaState.COMPENSATING, itemUid: ITEM_UID })),
      ).rejects.toThrow('Warehouse Service unavailable');

      expect(log.calls).toEqual(['warehouse.void order', 'warranty.void item']);
    });
  });

  describe("the caller's deadline", () => {
    const pastDeadline = { requestId: 'r1', deadline: Date.now() - 1 };

    it('past before anything began: nothing is done', async () => {
      await expect(runInContext(pastDeadline, () => sut.run(USER_UID, SELECTION))).rejects.toBeInstanceOf(
        PastDeadlineError,
      );
      expect(log.calls).toEqual([]);
    });

    it('past before the pivot: the steps are undone instead of committing an order nobody waits for', async () => {
      const context = { requestId: 'r2', deadline: Date.now() + 60_000 };
      const warranty = new StubWarranty(log);
      const start = warranty.start.bind(warranty);
      warranty.start = async (itemUid) => {
        await start(itemUid);
        context.deadline = Date.now() - 1; // the steps took too long
      };
      sut = new PurchaseSaga(journal, recovery, new StubWarehouse(log), warranty);

      await expect(runInContext(context, () => sut.run(USER_UID, SELECTION))).rejects.toBeInstanceOf(
        PastDeadlineError,
      );

      expect(log.calls).not.toContain('journal.complete');
      expect(log.calls.slice(-3)).toEqual([
        'warehouse.void order',
        'warranty.void item',
        'journal.rolledBack',
      ]);
    });
  });
});
