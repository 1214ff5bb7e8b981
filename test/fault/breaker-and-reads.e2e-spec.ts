import {
  ALEX_UID,
  delay,
  eventually,
  expectError,
  HttpClient,
  parsePrometheus,
  sampleValue,
  TestSystem,
} from '../support';

/**
 * Circuit breakers and degraded reads, with services really stopped: SIGKILL for a crashed
 * service, SIGSTOP for one that accepts connections but never answers.
 */
const TIMEOUT_MS = 1000;
const HALF_OPEN_AFTER_MS = 3000;

describe('fault tolerance: breakers and degraded reads', () => {
  let system: TestSystem;
  let store: HttpClient;
  let orderUid: string;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: { HTTP_TIMEOUT_MS: String(TIMEOUT_MS), BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS) },
    });
    store = system.http('store');
    const purchase = await store.post(`/api/v1/store/${ALEX_UID}/purchase`, {
      model: 'Lego 8880',
      size: 'L',
    });
    expect(purchase.status).toBe(201);
    orderUid = (purchase.body as { orderUid: string }).orderUid;
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Waits until the store's breaker for a restarted service has let a trial call through. */
  async function untilCatalogueServed(): Promise<void> {
    await eventually(async () => expect((await store.get('/api/v1/store/items')).status).toBe(200), {
      timeoutMs: HALF_OPEN_AFTER_MS + 10_000,
      intervalMs: 250,
    });
  }

  it('opens after 3 failures, then fails fast; half-opens after the pause and closes on success', async () => {
    const warehouse = system.services.warehouse;
    // The breaker opens when the third failing call times out: not before that request was sent
    // and its call's time-out ran out.
    let openedNotBefore = 0;
    process.kill(warehouse.pid as number, 'SIGSTOP'); // accepts connections, never answers
    try {
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        openedNotBefore = started + TIMEOUT_MS - 50;
        expectError(await store.get('/api/v1/store/items'), 503, 'Warehouse Service unavailable');
        expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50); // waited for the time-out
      }
      // Open: the fallback answers at once instead of waiting for another time-out.
      const started = Date.now();
      expectError(await store.get('/api/v1/store/items'), 503, 'Warehouse Service unavailable');
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS); // no time-out waited
    } finally {
      process.kill(warehouse.pid as number, 'SIGCONT');
    }

    // The warehouse answers again, but the breaker stays open until a call after its pause (the
    // gauge is read without a call, so this holds however slow the machine is).
    expect((await system.http('warehouse').get('/api/v1/warehouse/items')).status).toBe(200);
    const metrics = await store.get('/manage/prometheus', { notJson: true });
    expect(sampleValue(parsePrometheus(metrics.text), 'circuit_breaker_state', { target: 'warehouse' })).toBe(
      1,
    );

    // After the pause the trial call goes through and closes it; not before.
    await eventually(async () => expect((await store.get('/api/v1/store/items')).status).toBe(200), {
      timeoutMs: HALF_OPEN_AFTER_MS + 10_000,
      intervalMs: 100,
    });
    expect(Date.now() - openedNotBefore).toBeGreaterThanOrEqual(HALF_OPEN_AFTER_MS);
    expect((await store.get('/api/v1/store/items')).status).toBe(200);
  });

  it('reopens when the trial call after the pause fails', async () => {
    const warehouse = system.services.warehouse;
    process.kill(warehouse.pid as number, 'SIGSTOP');
    try {
      for (let i = 0; i < 3; i++) {
        expectError(await store.get('/api/v1/store/items'), 503, 'Warehouse Service unavailable');
      }
      await delay(HALF_OPEN_AFTER_MS);
      const trial = Date.now();
      expectError(await store.get('/api/v1/store/items'), 503, 'Warehouse Service unavailable');
      expect(Date.now() - trial).toBeGreaterThanOrEqual(TIMEOUT_MS - 50); // the trial really went out
      const next = Date.now();
      expectError(await store.get('/api/v1/store/items'), 503, 'Warehouse Service unavailable');
      expect(Date.now() - next).toBeLessThan(TIMEOUT_MS); // open again: fails fast, no time-out waited
    } finally {
      process.kill(warehouse.pid as number, 'SIGCONT');
    }
    await untilCatalogueServed();
  });

  it('a 404 of the callee is an answer, not a failure: the breaker stays closed', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (let i = 0; i < 4; i++) {
      expectError(await store.get(`/api/v1/store/${ALEX_UID}/${unknown}`), 404);
    }
    expect((await store.get(`/api/v1/store/${ALEX_UID}/${orderUid}`)).status).toBe(200);
  });

  it('shows an order with warehouse fields null while warehouse is down', async () => {
    await system.services.warehouse.kill();
    try {
      const view = await store.get(`/api/v1/store/${ALEX_UID}/${orderUid}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ orderUid, status: 'PAID', model: null, size: null });
      expect(view.body.warrantyStatus).toBe('ON_WARRANTY');
      const list = await store.get(`/api/v1/store/${ALEX_UID}/orders`);
      expect(list.status).toBe(200);
      // The batch read degrades as the view of each order does.
      expect(list.body).toEqual([view.body]);
    } finally {
      await system.services.warehouse.start();
    }
    await untilCatalogueServed();
  });

  it('shows an order with warranty fields null while warranty is down', async () => {
    await system.services.warranty.kill();
    try {
      const view = await store.get(`/api/v1/store/${ALEX_UID}/${orderUid}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        orderUid,
        model: 'Lego 8880',
        size: 'L',
        warrantyDate: null,
        warrantyStatus: null,
      });
      const list = await store.get(`/api/v1/store/${ALEX_UID}/orders`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([view.body]);
    } finally {
      await system.services.warranty.start();
    }
  });

  it('answers 503 naming the order service while it is down, for reads, purchases and refunds', async () => {
    const stock = async () =>
      ((await store.get('/api/v1/store/items')).body as { model: string; availableCount: number }[]).find(
        (item) => item.model === 'Lego 8880',
      )?.availableCount;
    const before = await stock();
    await system.services.order.kill();
    try {
      expectError(await store.get(`/api/v1/store/${ALEX_UID}/${orderUid}`), 503, 'Order Service unavailable');
      expectError(await store.get(`/api/v1/store/${ALEX_UID}/orders`), 503, 'Order Service unavailable');
      const purchase = await store.post(`/api/v1/store/${ALEX_UID}/purchase`, {
        model: 'Lego 8880',
        size: 'L',
      });
      expectError(purchase, 503, 'Order Service unavailable');
      expect(purchase.headers.get('location')).toBeNull();
      expectError(
        await store.delete(`/api/v1/store/${ALEX_UID}/${orderUid}/refund`),
        503,
        'Order Service unavailable',
      );
    } finally {
      await system.services.order.start();
    }
    // Nothing happened: same stock, the one order still PAID, no new order.
    expect(await stock()).toBe(before);
    await eventually(
      async () => {
        const orders = await store.get(`/api/v1/store/${ALEX_UID}/orders`);
        expect(orders.status).toBe(200);
        expect(orders.body).toEqual([expect.objectContaining({ orderUid, status: 'PAID' })]);
      },
      { timeoutMs: HALF_OPEN_AFTER_MS + 10_000, intervalMs: 250 },
    );
  });
});
