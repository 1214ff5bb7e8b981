import { randomUUID } from 'node:crypto';
import {
  ALEX_UID,
  expectError,
  expectStatus,
  HttpClient,
  paths,
  sagaFaultSystem,
  ShopProbe,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * A purchase is all or nothing under every interleaving (CONTRACT.md, "Fault tolerance" 3; the
 * design in apps/order/src/sagas/README.md): take the item → start its warranty → the pivot (the
 * order stored PAID). Each test puts a real fault at one step — a service killed, a request held
 * past its time-out and arriving late, an answer lost after the callee acted — and checks that
 * a purchase that was not answered with its order leaves nothing behind: no order, the stock as
 * before, no warranty; and that one whose answer was lost after the pivot is found again with
 * its Idempotency-Key.
 */
const TIMEOUT_MS = 1000;
/** Compensations back off up to 30 s; abandoned sagas are taken over after 4 × timeout. */
const ROLLED_BACK_WITHIN_MS = 45_000;
const MODEL = 'Lego 8880';
const SIZE = 'L';

describe('fault tolerance: purchase interleavings', () => {
  let system: TestSystem;
  let order: HttpClient;
  let probe: ShopProbe;

  beforeAll(async () => {
    system = await TestSystem.start(sagaFaultSystem(TIMEOUT_MS));
    order = system.http('order');
    probe = new ShopProbe(system);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  function place(userUid: string) {
    return order.post(paths.userOrders(userUid), { model: MODEL, size: SIZE }, { timeoutMs: 4 * TIMEOUT_MS });
  }

  /** Nothing of the user's purchase is left: no order, the stock as it was, no warranty of its unit. */
  async function expectNothingLeft(userUid: string, stockBefore: number): Promise<void> {
    expect(await probe.orders(userUid)).toEqual([]);
    expect(await probe.stock(MODEL, SIZE)).toBe(stockBefore);
  }

  /**
   * The unit warehouse took for the user's (rolled-back) purchase: the saga's order, found in the
   * journal, and warehouse's order item for it (the journal records the unit only at the pivot).
   */
  async function itemOfSaga(userUid: string): Promise<string> {
    const [saga] = await system.sql<{ order_uid: string }>(
      'order',
      `SELECT order_uid::text AS order_uid FROM order_saga WHERE user_uid = $1 AND kind = 'PURCHASE'`,
      [userUid],
    );
    const [unit] = await system.sql<{ order_item_uid: string }>(
      'warehouse',
      'SELECT order_item_uid::text AS order_item_uid FROM order_item WHERE order_uid = $1 AND item_id IS NOT NULL',
      [saga.order_uid],
    );
    expect(unit).toBeDefined(); // a unit was taken: the case each caller sets up
    return unit.order_item_uid;
  }

  it('warehouse killed: 503 naming it, and once it is back nothing is left', async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    await system.services.warehouse.kill();
    try {
      expectError(await place(user), 503, 'Warehouse Service unavailable');
    } finally {
      await system.services.warehouse.start();
    }
    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await expectNothingLeft(user, before);
  });

  it('warranty killed: 503 naming it, the stock restored before the answer, and no warranty once it is back', async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    await system.services.warranty.kill();
    try {
      expectError(await place(user), 503, 'Warranty Service unavailable');
      await expectNothingLeft(user, before);
    } finally {
      await system.services.warranty.start();
    }
    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    expect(await probe.warranty(await itemOfSaga(user))).toBeUndefined();
  });

  it("warranty killed under the caller's deadline: the rollback still completes once the deadline has passed", async () => {
    // The worker retries the compensation long after the request that failed has been answered:
    // none of that request's context (its deadline above all) may follow the retries.
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    await system.services.warranty.kill();
    try {
      const answer = await order.post(
        paths.userOrders(user),
        { model: MODEL, size: SIZE },
        { timeoutMs: 4 * TIMEOUT_MS, headers: { 'X-Request-Budget-Ms': String(2 * TIMEOUT_MS) } },
      );
      expectError(answer, 503, 'Warranty Service unavailable');
    } finally {
      await system.services.warranty.start();
    }
    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await expectNothingLeft(user, before);
    expect(await probe.warranty(await itemOfSaga(user))).toBeUndefined();
  });

  it('warehouse frozen: 503 after the time-out; the rollback waits for it and then completes', async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    const pid = system.services.warehouse.pid as number;
    process.kill(pid, 'SIGSTOP'); // accepts connections, answers nothing: the take may or may not happen
    try {
      expectError(await place(user), 503, 'Warehouse Service unavailable');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await expectNothingLeft(user, before);
  });

  it("the take's answer is lost: the compensation voids the order at warehouse, and its unit goes back", async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    system
      .proxy('warehouse')
      .add({ method: 'POST', path: /^\/api\/v1\/warehouse\/?$/, action: 'lose-answer', times: 1 });

    expectError(await place(user), 503, 'Warehouse Service unavailable');

    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await expectNothingLeft(user, before);
  });

  it("the warranty start's answer is lost: the warranty is voided, and stays so", async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    system
      .proxy('warranty')
      .add({ method: 'POST', path: /^\/api\/v1\/warranty\/[0-9a-f-]+$/, action: 'lose-answer', times: 1 });

    expectError(await place(user), 503, 'Warranty Service unavailable');

    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await expectNothingLeft(user, before);
    const itemUid = await itemOfSaga(user);
    expect(await probe.warranty(itemUid)).toBeUndefined();
    expect(await probe.warrantyRow(itemUid)).toMatchObject({ voided: true });
  });

  it('a warranty start held past its time-out and arriving after the rollback opens no warranty', async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    const held = system.proxy('warranty').add({
      method: 'POST',
      path: /^\/api\/v1\/warranty\/[0-9a-f-]+$/,
      action: 'hold',
      times: 1,
    });

    expectError(await place(user), 503, 'Warranty Service unavailable');
    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await held.release(); // the start arrives now, after the void

    await expectNothingLeft(user, before);
    expect(await probe.warranty(await itemOfSaga(user))).toBeUndefined();
  });

  it('a take held past its time-out and arriving after the rollback takes nothing', async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    const held = system.proxy('warehouse').add({
      method: 'POST',
      path: /^\/api\/v1\/warehouse\/?$/,
      action: 'hold',
      times: 1,
    });

    expectError(await place(user), 503, 'Warehouse Service unavailable');
    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS);
    await held.release(); // warehouse: the order's unit went back already, 409

    await expectNothingLeft(user, before);
  });

  it('order killed between the take and the warranty start: its restart rolls the purchase back', async () => {
    const user = randomUUID();
    const before = await probe.stock(MODEL, SIZE);
    const held = system.proxy('warranty').add({
      method: 'POST',
      path: /^\/api\/v1\/warranty\/[0-9a-f-]+$/,
      action: 'hold',
      times: 1,
    });
    const answer = place(user).then(
      () => 'answered',
      () => 'connection lost',
    );
    await held.hit;
    await system.services.order.kill();
    expect(await answer).toBe('connection lost');
    await system.services.order.start();

    await probe.untilSaga('PURCHASE', user, 'rolled back', ROLLED_BACK_WITHIN_MS); // found STARTED and stale
    const itemUid = await itemOfSaga(user);
    // The worker learnt the unit from warehouse's void and fenced its warranty off.
    expect(await probe.warrantyRow(itemUid)).toMatchObject({ voided: true });
    await held.release();
    await expectNothingLeft(user, before);
    expect(await probe.warranty(itemUid)).toBeUndefined();
  });

  it('through the store: a purchase whose answer was lost after the pivot is found again with its Idempotency-Key', async () => {
    const store = system.http('store');
    const headers = { 'Idempotency-Key': `purchase-${randomUUID()}` };
    const ordersBefore = (await probe.orders(ALEX_UID)).length;
    system.proxy('order').add({
      method: 'POST',
      path: new RegExp(`^/api/v1/orders/${ALEX_UID}$`),
      action: 'lose-answer',
      times: 1,
    });

    const lost = await store.post(paths.storePurchase(ALEX_UID), { model: MODEL, size: SIZE }, { headers });
    expectError(lost, 503, 'Order Service unavailable');
    const orders = await probe.orders(ALEX_UID);
    expect(orders).toHaveLength(ordersBefore + 1); // it did happen, whole

    const retried = await store.post(
      paths.storePurchase(ALEX_UID),
      { model: MODEL, size: SIZE },
      { headers },
    );
    expectStatus(retried, 201);
    const { orderUid } = retried.body as { orderUid: string };
    expect(orders.map((placed) => placed.orderUid)).toContain(orderUid);
    expect(retried.headers.get('location')).toBe(`/api/v1/store/${ALEX_UID}/${orderUid}`);
    expect(await probe.orders(ALEX_UID)).toHaveLength(ordersBefore + 1); // not bought twice
  });
});
