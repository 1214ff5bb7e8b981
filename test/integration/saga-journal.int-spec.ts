import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BaseServiceConfig, loadConfig } from '@app/config';
import { OrderStatus, Size } from '@app/contracts';
import { dataSourceOptions, queryRows } from '@app/database';
import { ConflictError } from '@app/errors';
import { orderSchema } from '../../apps/order/src/database/schema';
import { OrderConfig } from '../../apps/order/src/order.config';
import { Order } from '../../apps/order/src/orders/order.entity';
import { OrderSaga, SagaState } from '../../apps/order/src/sagas/order-saga.entity';
import { NewSaga, SagaJournal, SagaTakenOverError } from '../../apps/order/src/sagas/saga-journal';
import { SagaTiming } from '../../apps/order/src/sagas/saga-timing';

/**
 * The saga journal's conditional statements on both engines: who may act on a saga when, what
 * the compensation worker finds, and when it has to wake up.
 */
const adminUrl = process.env.TEST_DATABASE_URL;
const HTTP_TIMEOUT_MS = 50; // staleness and claims last 4 × 50 ms here

function newSaga(fields: Partial<NewSaga> = {}): NewSaga {
  return {
    orderUid: randomUUID(),
    userUid: randomUUID(),
    model: 'Lego 8070',
    size: Size.M,
    itemUid: null,
    ...fields,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function journalSpecs(openDataSource: () => Promise<DataSource>): void {
  let dataSource: DataSource;
  let sut: SagaJournal;

  beforeAll(async () => {
    dataSource = await openDataSource();
    const timing = new SagaTiming({ HTTP_TIMEOUT_MS } as BaseServiceConfig);
    sut = new SagaJournal(dataSource.getRepository(OrderSaga), timing);
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE order_saga, orders');
  });

  afterAll(async () => {
    await dataSource?.destroy();
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
    const saga = await sut.startPurchase(newSaga());
    const itemUid = randomUUID();
    await sut.recordProgress(saga.id, itemUid);
    await sut.completePurchase(saga.id, { orderUid: saga.orderUid, userUid: saga.userUid, itemUid });

    expect(await stateOf(saga.id)).toBe(SagaState.COMPLETED);
    const order = await dataSource.getRepository(Order).findOneByOrFail({ orderUid: saga.orderUid });
    expect(order).toMatchObject({ itemUid, status: OrderStatus.PAID });
  });

  it('hands a stale STARTED saga to exactly one claimant, and the request then may not finish it', async () => {
    const saga = await sut.startPurchase(newSaga());
    expect(await sut.claimNext()).toBeUndefined(); // fresh: its request is still running
    await ageSaga(saga.id);

    const claims = await Promise.all([sut.claimNext(), sut.claimNext(), sut.claim(saga.id)]);
    const claimed = claims.filter((claim) => claim !== undefined);
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ id: saga.id, state: SagaState.COMPENSATING, attempts: 1 });
    expect(claimed[0]?.lastError).toMatch(/^Abandoned/);

    await expect(sut.recordProgress(saga.id, randomUUID())).rejects.toBeInstanceOf(SagaTakenOverError);
    expect(await sut.beginCompensation(saga.id, 'late failure')).toBeUndefined();
    await expect(
      sut.completePurchase(saga.id, {
        orderUid: saga.orderUid,
        userUid: saga.userUid,
        itemUid: randomUUID(),
      }),
    ).rejects.toBeInstanceOf(SagaTakenOverError);
    expect(await dataSource.getRepository(Order).countBy({ orderUid: saga.orderUid })).toBe(0);
  });

  it('keeps a claimed saga from others until its retry is scheduled, then wakes the worker when due', async () => {
    const saga = await sut.startPurchase(newSaga());
    const claimed = await sut.beginCompensation(saga.id, 'Warranty Service unavailable');
    expect(claimed).toMatchObject({ state: SagaState.COMPENSATING, attempts: 1 });
    expect(await sut.claimNext()).toBeUndefined(); // the request compensates it
    expect(await sut.claim(saga.id)).toBeUndefined();

    await sut.scheduleRetry(saga.id, 400, 'Warranty Service unavailable');
    const waitMs = (await sut.msUntilNextDue()) as number;
    expect(waitMs).toBeGreaterThan(200);
    expect(waitMs).toBeLessThanOrEqual(400);
    expect(await sut.claimNext()).toBeUndefined(); // not due yet
    // A user's retry may claim it at once; the worker waits for the back-off.
    const again = await sut.claim(saga.id);
    expect(again).toMatchObject({ attempts: 2 });
    await sut.scheduleRetry(saga.id, 0, 'still down');
    await sleep(5);

    expect(await sut.claimNext()).toMatchObject({ id: saga.id, attempts: 3 });
    await sut.markRolledBack(saga.id, SagaState.COMPENSATING);
    expect(await stateOf(saga.id)).toBe(SagaState.ROLLED_BACK);
    expect(await sut.msUntilNextDue()).toBeUndefined();
  });

  it('starts a refund only for a PAID order, one at a time, and again after a rollback', async () => {
    const purchase = await sut.startPurchase(newSaga());
    const itemUid = randomUUID();
    await sut.completePurchase(purchase.id, {
      orderUid: purchase.orderUid,
      userUid: purchase.userUid,
      itemUid,
    });
    const refund = newSaga({ orderUid: purchase.orderUid, userUid: purchase.userUid, itemUid });

    const first = await sut.startRefund(refund);
    await expect(sut.startRefund(refund)).rejects.toThrow(ConflictError);
    expect(await sut.findUnfinished(refund.orderUid, first.kind)).toMatchObject({ id: first.id });

    await sut.markRolledBack(first.id, SagaState.STARTED);
    const second = await sut.startRefund(refund);
    await sut.recordProgress(second.id);
    await sut.completeRefund(second.id, refund.orderUid);
    const order = await dataSource.getRepository(Order).findOneByOrFail({ orderUid: refund.orderUid });
    expect(order.status).toBe(OrderStatus.CANCELED);

    await expect(sut.startRefund(refund)).rejects.toThrow(`Order '${refund.orderUid}' is already canceled`);
  });
}

// Jest runs after-hooks in declaration order: each suite's clean-up comes after journalSpecs'
// own, which closes the database first.
describe(`${SagaJournal.name} on embedded PGlite`, () => {
  const originalCwd = process.cwd();
  let workDir: string | undefined;

  journalSpecs(() => {
    workDir = mkdtempSync(join(tmpdir(), 'saga-journal-'));
    process.chdir(workDir); // the embedded database lands in ./data/order/
    const config = loadConfig(OrderConfig, {});
    return new DataSource(dataSourceOptions(config, orderSchema)).initialize();
  });

  afterAll(() => {
    process.chdir(originalCwd);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
});

(adminUrl ? describe : describe.skip)(`${SagaJournal.name} on the real PostgreSQL`, () => {
  const name = `it_sagas_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });

  journalSpecs(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl as string);
    url.pathname = `/${name}`;
    const config = loadConfig(OrderConfig, { DATABASE_URL: url.toString() });
    return new DataSource(dataSourceOptions(config, orderSchema)).initialize();
  });

  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
});
