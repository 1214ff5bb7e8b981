import { randomUUID } from 'node:crypto';
import {
  ALEX_UID,
  eventually,
  expectStatus,
  HttpClient,
  parsePrometheus,
  paths,
  sampleValue,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

const LOOKUP_PATH = /^\/api\/v1\/warehouse\/order-items\/lookup$/;
const LOOKUP_ROUTE = '/api/v1/warehouse/order-items/lookup';
const ORDERS_ROUTE = '/api/v1/orders/:userUid';

/**
 * The lists one store instance assembles at once hold at most ORDER_LIST_ORDERS_AT_ONCE orders
 * together (a list holds its orders, items and warranties in memory until it is sent); a list
 * that does not fit waits its turn once order has told its size, and is assembled under its own
 * request. Warehouse's answer to the first list's look-up is held at a fault proxy, so that list
 * keeps its turn as long as the test wants.
 */
describe('order lists take turns by their number of orders', () => {
  let system: TestSystem;
  let store: HttpClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      faultProxies: ['warehouse'],
      // The look-ups are held through several polls: a call time-out would degrade them to nulls.
      serviceEnv: { store: { ORDER_LIST_ORDERS_AT_ONCE: '2', HTTP_TIMEOUT_MS: '60000' } },
    });
    store = system.http('store');
    const lego = { model: 'Lego 8070', size: 'M' };
    expectStatus(await store.post(paths.storePurchase(ALEX_UID), lego), 201);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  }, SYSTEM_TIMEOUT_MS);

  async function gauge(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const metrics = await store.get('/manage/prometheus', { notJson: true });
    return sampleValue(parsePrometheus(metrics.text), name, labels);
  }

  /** A service's finished-request log lines of one route under one request id. */
  function callsOf(service: 'order' | 'warehouse', route: string, requestId: string): unknown[] {
    return system.services[service]
      .jsonLogLines()
      .filter((line) => line.requestId === requestId && line.route === route);
  }

  it('lets lists that fit together run together, and makes the next wait for orders to be freed, under its own request id', async () => {
    const ids = {
      first: `first-${randomUUID()}`,
      second: `second-${randomUUID()}`,
      third: `third-${randomUUID()}`,
    };
    const get = (requestId: string) =>
      store.get(paths.storeOrders(ALEX_UID), { headers: { 'X-Request-Id': requestId } });
    const held = system.proxy('warehouse').add({ method: 'POST', path: LOOKUP_PATH, action: 'hold' });

    // Two lists of one order each fit in a budget of two: both reach warehouse.
    const first = get(ids.first);
    const second = get(ids.second);
    await eventually(() => expect(held.hits).toBe(2));
    expect(await gauge('order_list_orders')).toBe(2);

    // The third has asked order (its size is known) and waits for one order's room.
    const third = get(ids.third);
    await eventually(async () => expect(await gauge('order_lists', { state: 'waiting' })).toBe(1));
    expect(await gauge('order_lists', { state: 'running' })).toBe(2);
    await eventually(() => expect(callsOf('order', ORDERS_ROUTE, ids.third)).toHaveLength(1));
    expect(held.hits).toBe(2); // not yet at warehouse

    await held.release();
    const answers = await Promise.all([first, second, third]);
    for (const answer of answers) expectStatus(answer, 200);
    expect(answers[0].body).toEqual([
      expect.objectContaining({ model: 'Lego 8070', warrantyStatus: 'ON_WARRANTY' }),
    ]);
    expect(answers[1].body).toEqual(answers[0].body);
    expect(answers[2].body).toEqual(answers[0].body);
    expect([
      await gauge('order_lists', { state: 'running' }),
      await gauge('order_lists', { state: 'waiting' }),
      await gauge('order_list_orders'),
    ]).toEqual([0, 0, 0]);
    // The waiting list's look-up went out under its own id, not under the one whose turn it took.
    await eventually(() => {
      for (const requestId of Object.values(ids))
        expect(callsOf('warehouse', LOOKUP_ROUTE, requestId)).toHaveLength(1);
    });
  });

  it('assembles a list longer than the whole budget alone, the next after it', async () => {
    const lego = { model: 'Lego 8070', size: 'M' };
    for (let bought = 0; bought < 2; bought += 1) {
      expectStatus(await store.post(paths.storePurchase(ALEX_UID), lego), 201);
    }
    const held = system.proxy('warehouse').add({ method: 'POST', path: LOOKUP_PATH, action: 'hold' });
    const first = store.get(paths.storeOrders(ALEX_UID));
    await held.hit;
    expect(await gauge('order_list_orders')).toBe(2); // the whole budget, though the list has three
    const next = store.get(paths.storeOrders(ALEX_UID));
    await eventually(async () => expect(await gauge('order_lists', { state: 'waiting' })).toBe(1));
    expect(held.hits).toBe(1);

    await held.release();
    const [firstAnswer, nextAnswer] = await Promise.all([first, next]);
    expectStatus(firstAnswer, 200);
    expectStatus(nextAnswer, 200);
    expect(firstAnswer.body).toHaveLength(3);
    expect(firstAnswer.body).toEqual(Array(3).fill(expect.objectContaining({ model: 'Lego 8070' })));
    expect(nextAnswer.body).toEqual(firstAnswer.body);
  });

  it('takes a waiting list whose client has gone out of the queue, and never assembles it', async () => {
    const ids = { first: `first-${randomUUID()}`, gone: `gone-${randomUUID()}` };
    const lego = { model: 'Lego 8070', size: 'M' };
    const has = (await store.get<unknown[]>(paths.storeOrders(ALEX_UID))).body.length;
    for (let bought = has; bought < 2; bought += 1) {
      expectStatus(await store.post(paths.storePurchase(ALEX_UID), lego), 201);
    }
    const held = system.proxy('warehouse').add({ method: 'POST', path: LOOKUP_PATH, action: 'hold' });
    const first = store.get(paths.storeOrders(ALEX_UID), { headers: { 'X-Request-Id': ids.first } });
    await held.hit; // Alex's list of two or more takes the whole budget
    const client = new AbortController();
    const gone = store
      .get(paths.storeOrders(ALEX_UID), { headers: { 'X-Request-Id': ids.gone }, signal: client.signal })
      .then(
        () => 'answered',
        () => 'gave up',
      );
    await eventually(async () => expect(await gauge('order_lists', { state: 'waiting' })).toBe(1));
    client.abort();
    expect(await gone).toBe('gave up');
    // The store sees the connection close: the list leaves the queue while the first still runs.
    await eventually(async () => expect(await gauge('order_lists', { state: 'waiting' })).toBe(0));
    await eventually(() =>
      expect(system.services.store.jsonLogLines()).toContainEqual(
        expect.objectContaining({ requestId: ids.gone, msg: expect.stringMatching(/not assembled/) }),
      ),
    );
    expect(await gauge('order_list_orders')).toBe(2); // still the first's

    await held.release();
    expectStatus(await first, 200);
    await eventually(() => expect(callsOf('warehouse', LOOKUP_ROUTE, ids.first)).toHaveLength(1));
    expect(callsOf('warehouse', LOOKUP_ROUTE, ids.gone)).toEqual([]);
    expect(await gauge('order_list_orders')).toBe(0);
    // Nobody to answer: no finished-request line for it (the first's is there by now).
    await eventually(() =>
      expect(system.services.store.jsonLogLines()).toContainEqual(
        expect.objectContaining({ requestId: ids.first, route: '/api/v1/store/:userUid/orders' }),
      ),
    );
    expect(
      system.services.store.jsonLogLines().filter((line) => line.requestId === ids.gone && 'route' in line),
    ).toEqual([]);
  });
});
