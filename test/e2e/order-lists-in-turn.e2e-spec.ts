import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * The store assembles at most ORDER_LIST_CONCURRENCY order lists at once (a list holds its orders,
 * items and warranties in memory until it is sent); the others wait their turn, and each is
 * assembled under its own request. Order's answer to the first list is held at a fault proxy, so
 * the first list keeps its turn as long as the test wants.
 */
describe('order lists take turns', () => {
  let system: TestSystem;
  let store: HttpClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      faultProxies: ['order'],
      serviceEnv: { store: { ORDER_LIST_CONCURRENCY: '1' } },
    });
    store = system.http('store');
    expectStatus(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' }), 201);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  }, SYSTEM_TIMEOUT_MS);

  async function lists(state: 'running' | 'waiting'): Promise<number | undefined> {
    const metrics = await store.get('/manage/prometheus', { notJson: true });
    return sampleValue(parsePrometheus(metrics.text), 'order_lists', { state });
  }

  /** Order's finished-request log lines of its list endpoint under this request id. */
  function orderListCallsOf(requestId: string): unknown[] {
    return readFileSync(system.services.order.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { requestId?: string; route?: string })
      .filter((line) => line.requestId === requestId && line.route === '/api/v1/orders/:userUid');
  }

  it('waits while another is assembled, asks order only once that one is done, under its own request id', async () => {
    const [firstId, secondId] = [`first-${randomUUID()}`, `second-${randomUUID()}`];
    const held = system
      .proxy('order')
      .add({ method: 'GET', path: /^\/api\/v1\/orders\/[^/]+$/, action: 'hold' });
    const first = store.get(paths.storeOrders(ALEX_UID), { headers: { 'X-Request-Id': firstId } });
    await held.hit;
    const second = store.get(paths.storeOrders(ALEX_UID), { headers: { 'X-Request-Id': secondId } });
    await eventually(async () => expect(await lists('waiting')).toBe(1));
    expect(await lists('running')).toBe(1);
    expect(held.hits).toBe(1); // the second list has not asked order yet

    await held.release();
    const [firstAnswer, secondAnswer] = await Promise.all([first, second]);
    expectStatus(firstAnswer, 200);
    expectStatus(secondAnswer, 200);
    expect(secondAnswer.body).toEqual(firstAnswer.body);
    expect(firstAnswer.body).toHaveLength(1);
    expect([await lists('running'), await lists('waiting')]).toEqual([0, 0]);
    // The second list's call went out under its own id, not under the first's (whose turn it took).
    await eventually(() => {
      expect(orderListCallsOf(secondId)).toHaveLength(1);
      expect(orderListCallsOf(firstId)).toHaveLength(1);
    });
  });
});
