import {
  ALEX_UID,
  eventually,
  expectError,
  expectStatus,
  HttpClient,
  parsePrometheus,
  paths,
  sampleValue,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * The store assembles at most ORDER_LIST_CONCURRENCY order lists at once (a list holds its orders,
 * items and warranties in memory until it is sent); the others wait their turn, at most
 * ORDER_LIST_WAIT_MS, then get a 503 with Retry-After having asked nothing of anyone. Order's
 * answer to the first list is held at a fault proxy, so the first list keeps its turn as long as
 * the test wants.
 */
const ORDER_LIST_CALL = { method: 'GET', path: /^\/api\/v1\/orders\/[^/]+$/, action: 'hold' } as const;

async function startSystem(waitMs: number): Promise<TestSystem> {
  return TestSystem.start({
    faultProxies: ['order'],
    serviceEnv: { store: { ORDER_LIST_CONCURRENCY: '1', ORDER_LIST_WAIT_MS: String(waitMs) } },
  });
}

async function listsIn(store: HttpClient, state: 'running' | 'waiting'): Promise<number | undefined> {
  const metrics = await store.get('/manage/prometheus', { notJson: true });
  return sampleValue(parsePrometheus(metrics.text), 'store_order_lists', { state });
}

describe('order lists take turns', () => {
  describe('a list that gets its turn', () => {
    let system: TestSystem;
    let store: HttpClient;

    beforeAll(async () => {
      // Longer than any wait below: the second list must get its turn, never be given up.
      system = await startSystem(SYSTEM_TIMEOUT_MS);
      store = system.http('store');
      expectStatus(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' }), 201);
    }, SYSTEM_TIMEOUT_MS);

    afterAll(async () => {
      await system?.stop();
    }, SYSTEM_TIMEOUT_MS);

    it('waits while another is assembled, asks order only once that one is done, and gets the same answer', async () => {
      const held = system.proxy('order').add(ORDER_LIST_CALL);
      const first = store.get(paths.storeOrders(ALEX_UID));
      await held.hit;
      const second = store.get(paths.storeOrders(ALEX_UID));
      await eventually(async () => expect(await listsIn(store, 'waiting')).toBe(1));
      expect(await listsIn(store, 'running')).toBe(1);
      expect(held.hits).toBe(1); // the second list has not asked order yet

      await held.release();
      const [firstAnswer, secondAnswer] = await Promise.all([first, second]);
      expectStatus(firstAnswer, 200);
      expectStatus(secondAnswer, 200);
      expect(secondAnswer.body).toEqual(firstAnswer.body);
      expect(firstAnswer.body).toHaveLength(1);
      expect(await listsIn(store, 'running')).toBe(0);
      expect(await listsIn(store, 'waiting')).toBe(0);
    });
  });

  describe('a list that waits too long', () => {
    const WAIT_MS = 300;
    let system: TestSystem;
    let store: HttpClient;

    beforeAll(async () => {
      system = await startSystem(WAIT_MS);
      store = system.http('store');
    }, SYSTEM_TIMEOUT_MS);

    afterAll(async () => {
      await system?.stop();
    }, SYSTEM_TIMEOUT_MS);

    it('gets a 503 with Retry-After after ORDER_LIST_WAIT_MS, and is never assembled', async () => {
      const held = system.proxy('order').add(ORDER_LIST_CALL);
      const first = store.get(paths.storeOrders(ALEX_UID));
      await held.hit;

      const started = Date.now();
      const givenUp = await store.get(paths.storeOrders(ALEX_UID));
      expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS);
      expectError(givenUp, 503, 'Order lists unavailable for a moment: too many in progress');
      expect(givenUp.headers.get('retry-after')).toBe('1');
      expect(held.hits).toBe(1);

      await held.release();
      expectStatus(await first, 200);
      // Its turn was free again, and the given-up list never took one.
      expect(await listsIn(store, 'running')).toBe(0);
      expect(await listsIn(store, 'waiting')).toBe(0);
      expectStatus(await store.get(paths.storeOrders(ALEX_UID)), 200);
    });
  });
});
