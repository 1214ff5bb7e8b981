import { randomUUID } from 'node:crypto';
import {
  ALEX_UID,
  eventually,
  expectError,
  expectStatus,
  OtlpReceiver,
  paths,
  ReceivedSpan,
  SERVICE_NAMES,
  ServiceName,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * CONTRACT.md, "Operations": request ids and trace context across the four services and into a
 * queued claim, JSON log lines, and OpenTelemetry traces exported to a receiver of the test's own.
 */
const SPAN_KIND_SERVER = 2;

describe('observability: request ids, logs and traces', () => {
  let system: TestSystem;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    system = await TestSystem.start({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // Export within a fraction of a second instead of every 5 s.
        OTEL_BSP_SCHEDULE_DELAY: '100',
        HTTP_TIMEOUT_MS: '1000',
        BREAKER_HALF_OPEN_AFTER_MS: '500',
      },
      serviceEnv: { store: { CLAIM_RETRY_DELAYS_MS: '250,500' } },
    });
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
    await receiver?.close();
  });

  /** The service's log lines (JSON objects) that carry this request id. */
  function linesOf(service: ServiceName, requestId: string): Record<string, unknown>[] {
    return system.services[service].jsonLogLines().filter((line) => line.requestId === requestId);
  }

  it('returns X-Request-Id on every answer (errors too), and makes one when none or a bad one came', async () => {
    const store = system.http('store');
    const given = await store.get(paths.storeItems, { headers: { 'X-Request-Id': 'abc.123:x-y_z' } });
    expect(given.headers.get('x-request-id')).toBe('abc.123:x-y_z');
    const error = await store.get('/nowhere', { headers: { 'X-Request-Id': 'err-1' } });
    expectError(error, 404);
    expect(error.headers.get('x-request-id')).toBe('err-1');
    const made = await store.get(paths.storeItems, { headers: { 'X-Request-Id': 'no spaces allowed' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes every log line as one JSON object, a line per finished request with method, route, status and duration', async () => {
    const requestId = `log-${randomUUID()}`;
    await system.http('store').get(paths.storeOrders(ALEX_UID), { headers: { 'X-Request-Id': requestId } });
    await eventually(() => {
      const [finished] = linesOf('store', requestId).filter((line) => line.route !== undefined);
      expect(finished).toMatchObject({
        service: 'store',
        level: 'info',
        method: 'GET',
        route: '/api/v1/store/:userUid/orders',
        status: 200,
        durationMs: expect.any(Number),
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        msg: expect.any(String),
      });
    });
  });

  it('carries the request id through every service a purchase touches', async () => {
    const requestId = `purchase-${randomUUID()}`;
    const bought = await system
      .http('store')
      .post(
        paths.storePurchase(ALEX_UID),
        { model: 'Lego 8070', size: 'M' },
        { headers: { 'X-Request-Id': requestId } },
      );
    expectStatus(bought, 201);
    expect(bought.headers.get('x-request-id')).toBe(requestId);
    await eventually(() => {
      for (const service of SERVICE_NAMES) expect(linesOf(service, requestId).length).toBeGreaterThan(0);
    });
  });

  it('a queued claim, processed after warranty is back, logs under the request that queued it', async () => {
    const { orderUid } = (
      await system.http('store').post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' })
    ).body as { orderUid: string };
    const requestId = `claim-${randomUUID()}`;
    await system.services.warranty.kill();
    try {
      const queued = await system
        .http('store')
        .post(
          paths.storeClaim(ALEX_UID, orderUid),
          { reason: 'Broken' },
          { headers: { 'X-Request-Id': requestId } },
        );
      expect(queued.status).toBe(202);
    } finally {
      await system.services.warranty.start();
    }
    await eventually(
      () => {
        expect(linesOf('store', requestId).some((line) => /decided RETURN/.test(String(line.msg)))).toBe(
          true,
        );
        expect(linesOf('warranty', requestId).length).toBeGreaterThan(0); // the later call carried it
      },
      { timeoutMs: 30_000 },
    );
  });

  it('exports one trace per purchase across the four services, each span under its caller', async () => {
    const bought = await system
      .http('store')
      .post(paths.storePurchase(ALEX_UID), { model: 'Lego 8880', size: 'L' });
    expectStatus(bought, 201);
    const { orderUid } = bought.body as { orderUid: string };

    const trace = await eventually(
      () => {
        const root = receiver.spans.find(
          (span) =>
            span.service === 'store' &&
            span.kind === SPAN_KIND_SERVER &&
            !span.parentSpanId &&
            receiver.trace(span.traceId).some((other) => other.service === 'warranty'),
        );
        expect(root).toBeDefined();
        const spans = receiver.trace((root as ReceivedSpan).traceId);
        expect(new Set(spans.map((span) => span.service))).toEqual(new Set(SERVICE_NAMES));
        // Every span but the root hangs under a span of the same trace: parents follow the calls.
        // (Each service exports in its own batches: a parent may arrive a batch after its children.)
        const ids = new Set(spans.map((span) => span.spanId));
        expect(spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId))).toEqual([]);
        return spans;
      },
      { timeoutMs: 20_000 },
    );
    for (const service of ['order', 'warehouse', 'warranty'] as const) {
      const server = trace.find((span) => span.service === service && span.kind === SPAN_KIND_SERVER);
      const parent = trace.find((span) => span.spanId === server?.parentSpanId);
      expect(parent?.service).not.toBe(service); // a client span of its caller
    }
    expect(orderUid).toBeDefined();
  });

  it("joins a queued claim's processing to the trace of the request that queued it", async () => {
    const { orderUid } = (
      await system.http('store').post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' })
    ).body as { orderUid: string };
    // No traceparent from the client: the trace is the one the store started for the claim.
    await system.services.warranty.kill();
    try {
      const queued = await system
        .http('store')
        .post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'Broken' });
      expect(queued.status).toBe(202);
    } finally {
      await system.services.warranty.start();
    }
    let traceId = '';
    await eventually(
      () => {
        const claimSpan = receiver.spans.find(
          (span) => span.service === 'store' && span.kind === SPAN_KIND_SERVER && /warranty/.test(span.name),
        );
        expect(claimSpan).toBeDefined();
        traceId = claimSpan?.traceId ?? '';
      },
      { timeoutMs: 20_000 },
    );
    // The later try reaches warranty within the trace the claim's request started in.
    await eventually(
      () => {
        const spans = receiver.trace(traceId);
        expect(spans.some((span) => span.service === 'warranty' && span.kind === SPAN_KIND_SERVER)).toBe(
          true,
        );
      },
      { timeoutMs: 30_000 },
    );
  });
});
