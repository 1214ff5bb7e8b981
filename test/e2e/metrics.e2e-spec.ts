import {
  ALEX_UID,
  eventually,
  expectStatus,
  HttpClient,
  parsePrometheus,
  paths,
  sampleValue,
  SERVICE_NAMES,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * CONTRACT.md, "Operations", metrics: GET /manage/prometheus on all four services, in the
 * Prometheus text format, with the contract's names; a breaker's state and the claim queue seen
 * moving while services are really killed and restarted.
 */
const HALF_OPEN_AFTER_MS = 1000;

describe('metrics', () => {
  let system: TestSystem;
  let store: HttpClient;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: { HTTP_TIMEOUT_MS: '1000', BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS) },
      serviceEnv: { store: { CLAIM_RETRY_DELAYS_MS: '500,1000' } },
    });
    store = system.http('store');
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  async function scrape(service: (typeof SERVICE_NAMES)[number]) {
    const response = await system.http(service).get('/manage/prometheus', { notJson: true });
    expectStatus(response, 200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return parsePrometheus(response.text);
  }

  it.each(SERVICE_NAMES)(
    "%s: Prometheus text with the contract's metrics and the process defaults",
    async (service) => {
      expectStatus(await system.http(service).get('/manage/health'), 200);
      const samples = await scrape(service);
      const names = new Set(samples.map((sample) => sample.name));
      for (const name of [
        'http_server_requests_seconds_count',
        'process_cpu_seconds_total',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(names.has(name)).toBe(true);
      }
      expect(
        sampleValue(samples, 'http_server_requests_seconds_count', {
          route: '/manage/health',
          status: '200',
        }),
      ).toBeGreaterThan(0);
      expect(samples.every((sample) => sample.labels.service === service)).toBe(true);
    },
  );

  it('labels requests by route template, never by raw path', async () => {
    await store.get(paths.storeOrders(ALEX_UID));
    await store.get('/no/such/route/12345');
    const samples = await scrape('store');
    const routes = new Set(
      samples.filter((s) => s.name === 'http_server_requests_seconds_count').map((s) => s.labels.route),
    );
    expect(routes).toContain('/api/v1/store/:userUid/orders');
    expect(routes).toContain('UNMATCHED');
    expect([...routes].some((route) => route.includes(ALEX_UID) || route.includes('12345'))).toBe(false);
  });

  it('order counts sagas and reports the unfinished ones; clients count calls per target and outcome', async () => {
    expectStatus(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' }), 201);
    const order = await scrape('order');
    expect(
      sampleValue(order, 'saga_total', { kind: 'PURCHASE', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(order, 'sagas_unfinished')).toBe(0);
    expect(
      sampleValue(order, 'http_client_requests_seconds_count', { target: 'warehouse', outcome: 'success' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(await scrape('store'), 'http_client_requests_seconds_count', {
        target: 'order',
        outcome: 'success',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it("shows the store's warehouse breaker open while warehouse is down, and closed after", async () => {
    expect(sampleValue(await scrape('store'), 'circuit_breaker_state', { target: 'warehouse' })).toBe(0);
    await system.services.warehouse.kill();
    try {
      for (let i = 0; i < 3; i++) expectStatus(await store.get(paths.storeItems), 503);
      expect(sampleValue(await scrape('store'), 'circuit_breaker_state', { target: 'warehouse' })).toBe(1);
    } finally {
      await system.services.warehouse.start();
    }
    await eventually(async () => expectStatus(await store.get(paths.storeItems), 200), {
      timeoutMs: HALF_OPEN_AFTER_MS + 10_000,
    });
    expect(sampleValue(await scrape('store'), 'circuit_breaker_state', { target: 'warehouse' })).toBe(0);
  });

  it('moves warranty_claims{status="PENDING"} up while a claim waits and back down once it is decided', async () => {
    const bought = await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' });
    const { orderUid } = bought.body as { orderUid: string };
    const pending = async () => sampleValue(await scrape('store'), 'warranty_claims', { status: 'PENDING' });
    expect(await pending()).toBe(0);
    await system.services.warranty.kill();
    try {
      expect((await store.post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'Broken' })).status).toBe(202);
      expect(await pending()).toBe(1);
    } finally {
      await system.services.warranty.start();
    }
    await eventually(async () => expect(await pending()).toBe(0), { timeoutMs: 30_000 });
    expect(sampleValue(await scrape('store'), 'warranty_claims', { status: 'DONE' })).toBe(1);
    expect(sampleValue(await scrape('store'), 'warranty_claims_dead')).toBe(0);
  });
});
