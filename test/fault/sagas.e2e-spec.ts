import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ALEX_UID,
  CatalogueItem,
  countOf,
  eventually,
  expectError,
  expectStatus,
  HttpClient,
  paths,
  TestSystem,
} from '../support';

/**
 * Purchase and refund are all or nothing (CONTRACT.md, "Fault tolerance" 3): with services really
 * killed (SIGKILL), frozen (SIGSTOP: connections accepted, never answered) and started again.
 * What is checked is what the contract promises — answers, stock, order rows, warranties — and
 * the order service's saga journal (order_saga) for how it got there.
 */
const TIMEOUT_MS = 1000;
const HALF_OPEN_AFTER_MS = 500;
/** Compensation retries back off up to 30 s, so convergence may take that long after a restart. */
const CONVERGE_MS = 45_000;

const MODEL = 'Lego 8070';
const SIZE = 'M';

interface SagaRow {
  kind: string;
  state: string;
  order_uid: string;
  item_uid: string | null;
  attempts: number;
  last_error: string | null;
}

describe('fault tolerance: purchase and refund sagas', () => {
  let system: TestSystem;
  let order: HttpClient;
  let warehouse: HttpClient;
  let warranty: HttpClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: { HTTP_TIMEOUT_MS: String(TIMEOUT_MS), BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS) },
    });
    order = system.http('order');
    warehouse = system.http('warehouse');
    warranty = system.http('warranty');
  });

  afterAll(async () => {
    await system?.stop();
  });

  async function stock(): Promise<number> {
    const response = await warehouse.get<CatalogueItem[]>(paths.warehouseItems);
    expectStatus(response, 200);
    return countOf(response.body, MODEL, SIZE) as number;
  }

  function place(userUid: string) {
    return order.post(paths.userOrders(userUid), { model: MODEL, size: SIZE });
  }

  async function placed(userUid: string): Promise<{ orderUid: string; itemUid: string }> {
    // After a restart the order's breaker may still be open for a moment: wait for the trial call.
    const response = await eventually(
      async () => {
        const answer = await place(userUid);
        expectStatus(answer, 200);
        return answer;
      },
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    const { orderUid } = response.body as { orderUid: string };
    const { itemUid } = (await order.get(paths.userOrder(userUid, orderUid))).body as { itemUid: string };
    return { orderUid, itemUid };
  }

  async function ordersOf(userUid: string): Promise<unknown[]> {
    const response = await order.get<unknown[]>(paths.userOrders(userUid));
    expectStatus(response, 200);
    return response.body;
  }

  async function orderStatus(userUid: string, orderUid: string): Promise<string> {
    const response = await order.get<{ status: string }>(paths.userOrder(userUid, orderUid));
    expectStatus(response, 200);
    return response.body.status;
  }

  async function warrantyStatus(itemUid: string): Promise<string | undefined> {
    const response = await warranty.get<{ status: string }>(paths.warranty(itemUid));
    return response.status === 404 ? undefined : response.body.status;
  }

  /** The user's sagas, oldest first (with the embedded engine this restarts order service). */
  function sagasOf(userUid: string): Promise<SagaRow[]> {
    return system.sql<SagaRow & Record<string, unknown>>(
      'order',
      `SELECT kind, state, order_uid::text AS order_uid, item_uid::text AS item_uid, attempts, last_error
       FROM order_saga WHERE user_uid = $1 ORDER BY id`,
      [userUid],
    );
  }

  /**
   * Waits until order service logs that a saga of the user rolled back. Read from its log, not
   * its database, because the embedded database can only be read with the service stopped, and
   * a restart would itself trigger the compensation this is meant to watch the worker do.
   */
  async function untilRolledBack(kind: 'PURCHASE' | 'REFUND', userUid: string): Promise<void> {
    const line = new RegExp(`${kind} saga \\d+ \\(order [0-9a-f-]+, user ${userUid}\\) rolled back`);
    await eventually(() => expect(readFileSync(system.services.order.logFile, 'utf8')).toMatch(line), {
      timeoutMs: CONVERGE_MS,
      intervalMs: 200,
    });
  }

  /** SIGSTOP: the process keeps its port and accepts connections, but answers nothing. */
  async function frozen<T>(service: 'warehouse' | 'warranty', action: () => Promise<T>): Promise<T> {
    const pid = system.services[service].pid as number;
    process.kill(pid, 'SIGSTOP');
    try {
      return await action();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  }

  it('warehouse takes a returned unit again for its order, once: the undo of a return', async () => {
    const orderUid = randomUUID();
    const before = await stock();
    const taken = await warehouse.post(paths.warehouse, { orderUid, model: MODEL, size: SIZE });
    expectStatus(taken, 200);
    const { orderItemUid } = taken.body as { orderItemUid: string };
    expectStatus(await warehouse.delete(paths.orderItem(orderItemUid)), 204);
    expect(await stock()).toBe(before);

    for (let i = 0; i < 2; i++) {
      const again = await warehouse.post(paths.warehouse, { orderUid, model: MODEL, size: SIZE });
      expectStatus(again, 200);
      expect(again.body).toEqual({ orderItemUid, orderUid, model: MODEL, size: SIZE });
      expect(await stock()).toBe(before - 1);
    }
  });

  it('purchase with warehouse down: 503 naming Warehouse, and nothing is left behind', async () => {
    const user = randomUUID();
    const before = await stock();
    await system.services.warehouse.kill();

    expectError(await place(user), 503, 'Warehouse Service unavailable');
    expect(await ordersOf(user)).toEqual([]);

    // Whether the take got through cannot be known while warehouse is down: the compensation
    // (take again for the same order to find out, then return it) waits for warehouse.
    await system.services.warehouse.start();
    await untilRolledBack('PURCHASE', user);
    expect(await stock()).toBe(before);
    expect(await ordersOf(user)).toEqual([]);
    const [saga] = await sagasOf(user);
    expect(saga).toMatchObject({ kind: 'PURCHASE', state: 'ROLLED_BACK' });
    expect(saga.attempts).toBeGreaterThanOrEqual(2); // once at once, then by the worker
    expect(await warrantyStatus(saga.item_uid as string)).toBeUndefined();
  });

  it('purchase through the store with warranty down: 503 naming Warranty, stock restored before the answer, no order, no warranty', async () => {
    const before = await stock();
    const ordersBefore = (await ordersOf(ALEX_UID)).length;
    await system.services.warranty.kill();

    const store = system.http('store');
    const response = await store.post(paths.storePurchase(ALEX_UID), { model: MODEL, size: SIZE });
    expectError(response, 503, 'Warranty Service unavailable');
    expect(response.headers.get('location')).toBeNull();
    expect(await stock()).toBe(before); // the item was returned before the 503 was sent
    expect(await ordersOf(ALEX_UID)).toHaveLength(ordersBefore);

    // A timed-out start might have reached warranty, so the close is retried until warranty answers.
    await system.services.warranty.start();
    await untilRolledBack('PURCHASE', ALEX_UID);
    const sagas = await sagasOf(ALEX_UID);
    const saga = sagas[sagas.length - 1];
    expect(saga).toMatchObject({ kind: 'PURCHASE', state: 'ROLLED_BACK' });
    expect(await warrantyStatus(saga.item_uid as string)).toBeUndefined();
    expect(await stock()).toBe(before);
    expect(await ordersOf(ALEX_UID)).toHaveLength(ordersBefore);
  });

  it('refund with warehouse down: 503 naming Warehouse, the order stays PAID with its item and warranty', async () => {
    const user = randomUUID();
    const { orderUid, itemUid } = await placed(user);
    const before = await stock();
    await system.services.warehouse.kill();

    expectError(await order.delete(paths.order(orderUid)), 503, 'Warehouse Service unavailable');
    expect(await orderStatus(user, orderUid)).toBe('PAID');
    expect(await warrantyStatus(itemUid)).toBe('ON_WARRANTY');

    await system.services.warehouse.start();
    expect(await stock()).toBe(before);
    // With warehouse back the refund goes through (once the order's breaker lets a call through).
    await eventually(async () => expectStatus(await order.delete(paths.order(orderUid)), 204), {
      timeoutMs: 15_000,
      intervalMs: 250,
    });
    expect(await orderStatus(user, orderUid)).toBe('CANCELED');
    expect(await stock()).toBe(before + 1);
    expect(await warrantyStatus(itemUid)).toBe('REMOVED_FROM_WARRANTY');
  });

  it('refund with warranty down: 503 naming Warranty; order PAID, item still taken, warranty unchanged', async () => {
    const user = randomUUID();
    const { orderUid, itemUid } = await placed(user);
    const before = await stock();
    await system.services.warranty.kill();

    expectError(await order.delete(paths.order(orderUid)), 503, 'Warranty Service unavailable');
    expect(await orderStatus(user, orderUid)).toBe('PAID');
    expect(await stock()).toBe(before); // returned, then taken back before the 503

    await system.services.warranty.start();
    expect(await warrantyStatus(itemUid)).toBe('ON_WARRANTY');
    const [failed] = await sagasOf(user).then((sagas) => sagas.filter((saga) => saga.kind === 'REFUND'));
    expect(failed).toMatchObject({ state: 'ROLLED_BACK', order_uid: orderUid });

    // A new attempt with warranty back succeeds.
    await eventually(async () => expectStatus(await order.delete(paths.order(orderUid)), 204), {
      timeoutMs: 15_000,
      intervalMs: 250,
    });
    expect(await orderStatus(user, orderUid)).toBe('CANCELED');
    expect(await stock()).toBe(before + 1);
    expect(await warrantyStatus(itemUid)).toBe('REMOVED_FROM_WARRANTY');
  });

  it('a compensation that cannot run at once is retried until it has run: purchase with warehouse frozen', async () => {
    const user = randomUUID();
    const before = await stock();

    // The take times out — warehouse may still apply it when it wakes up — and so does the
    // compensation's look-up of the item: the rollback is left to the worker.
    const started = Date.now();
    const response = await frozen('warehouse', () => place(user));
    expectError(response, 503, 'Warehouse Service unavailable');
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS);

    await untilRolledBack('PURCHASE', user);
    expect(await stock()).toBe(before);
    expect(await ordersOf(user)).toEqual([]);
    const [saga] = await sagasOf(user);
    expect(saga).toMatchObject({ kind: 'PURCHASE', state: 'ROLLED_BACK' });
    expect(saga.attempts).toBeGreaterThanOrEqual(2);
  });

  it('order service killed in the middle of a purchase: after restart the purchase is rolled back', async () => {
    const user = randomUUID();
    const before = await stock();

    // With warranty frozen, the purchase stops at the warranty start, the item already taken:
    // that is when order service dies.
    const purchase = frozen('warranty', async () => {
      const pending = place(user).then(
        () => 'answered',
        () => 'connection lost',
      );
      await eventually(async () => expect(await stock()).toBe(before - 1), {
        timeoutMs: 5000,
        intervalMs: 20,
      });
      await system.services.order.kill();
      return pending;
    });
    expect(await purchase).toBe('connection lost');

    await system.services.order.start();
    await untilRolledBack('PURCHASE', user); // found STARTED and stale by the worker
    expect(await stock()).toBe(before);
    expect(await ordersOf(user)).toEqual([]);
    const [saga] = await sagasOf(user);
    expect(saga).toMatchObject({ kind: 'PURCHASE', state: 'ROLLED_BACK' });
    expect(saga.last_error).toMatch(/^Abandoned/);
    // The start warranty received while frozen may have been applied after all: then it is closed.
    expect([undefined, 'REMOVED_FROM_WARRANTY']).toContain(await warrantyStatus(saga.item_uid as string));
  });

  it('crash states in the journal converge after restart: a half purchase and a half refund are undone', async () => {
    const user = randomUUID();
    const before = await stock();

    // A purchase that died after taking the item and starting its warranty.
    const purchaseUid = randomUUID();
    const taken = await warehouse.post(paths.warehouse, { orderUid: purchaseUid, model: MODEL, size: SIZE });
    expectStatus(taken, 200);
    const purchaseItem = (taken.body as { orderItemUid: string }).orderItemUid;
    expectStatus(await warranty.post(paths.warranty(purchaseItem)), 204);

    // A refund that died after returning the item, before closing the warranty.
    const refunded = await placed(user);
    expectStatus(await warehouse.delete(paths.orderItem(refunded.itemUid)), 204);
    expect(await stock()).toBe(before - 1);

    const abandoned = `INSERT INTO order_saga (kind, order_uid, user_uid, model, size, item_uid, state, created_at, updated_at)
                       VALUES ($1, $2, $3, $4, $5, $6, 'STARTED', now() - interval '1 hour', now() - interval '1 hour')`;
    await system.sqlBatch('order', [
      { text: abandoned, params: ['PURCHASE', purchaseUid, user, MODEL, SIZE, purchaseItem] },
      { text: abandoned, params: ['REFUND', refunded.orderUid, user, MODEL, SIZE, refunded.itemUid] },
    ]);
    // The embedded engine restarts order service for the SQL; a real server does not.
    if (system.usesPostgres) await system.services.order.restart();

    await untilRolledBack('PURCHASE', user);
    await untilRolledBack('REFUND', user);
    expect(await stock()).toBe(before - 1); // the purchase's unit back, the refunded order's taken again
    expect(await warrantyStatus(purchaseItem)).toBe('REMOVED_FROM_WARRANTY');
    expect(await warrantyStatus(refunded.itemUid)).toBe('ON_WARRANTY');
    expect(await orderStatus(user, refunded.orderUid)).toBe('PAID');
    expect(await ordersOf(user)).toHaveLength(1);
    const sagas = await sagasOf(user);
    expect(sagas.map(({ kind, state }) => `${kind} ${state}`).sort()).toEqual([
      'PURCHASE COMPLETED',
      'PURCHASE ROLLED_BACK',
      'REFUND ROLLED_BACK',
    ]);
  });
});
