import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import {
  ALEX_UID,
  expectBadRequest,
  expectError,
  expectStatus,
  paths,
  SERVICE_NAMES,
  ServiceName,
  ShopProbe,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * Inputs a fuzzer or an attacker sends (issue: "found by fuzzing the four services"), to every
 * service: each one answers a clear 4xx JSON error and changes nothing.
 */

/** The default time-out of one call between services (CONTRACT.md): how long a caller waits. */
const HTTP_TIMEOUT_MS = 3000;

/** One POST with a JSON body per service, and the text field in it. */
const bodies: Record<
  ServiceName,
  { path: () => string; valid: () => Record<string, unknown>; text: string }
> = {
  warranty: {
    path: () => paths.warrantyClaim(randomUUID()),
    valid: () => ({ reason: 'Broken', availableCount: 1 }),
    text: 'reason',
  },
  warehouse: {
    path: () => paths.warehouse,
    valid: () => ({ orderUid: randomUUID(), model: 'Lego 8070', size: 'M' }),
    text: 'model',
  },
  order: {
    path: () => paths.userOrders(randomUUID()),
    valid: () => ({ model: 'Lego 8070', size: 'M' }),
    text: 'model',
  },
  store: {
    path: () => paths.storePurchase(ALEX_UID),
    valid: () => ({ model: 'Lego 8070', size: 'M' }),
    text: 'model',
  },
};

/** A raw exchange on a socket: what Node's HTTP parser refuses never reaches fetch's rules. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

function parseRaw(answer: string): { status: number; headers: string; body: unknown } {
  const [head, body] = answer.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: JSON.parse(body) as unknown,
  };
}

describe('hostile input to all four services', () => {
  let system: TestSystem;
  let probe: ShopProbe;

  beforeAll(async () => {
    system = await TestSystem.start();
    probe = new ShopProbe(system);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  describe.each(SERVICE_NAMES)('%s', (service) => {
    const endpoint = bodies[service];

    it('refuses a body nested 10,000 levels deep with 400', async () => {
      const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const response = await system.http(service).request('POST', endpoint.path(), { rawBody: deep });
      expectError(response, 400, /nested deeper than 32 levels/);
      const arrays = '['.repeat(10_000) + ']'.repeat(10_000);
      expectError(
        await system.http(service).request('POST', endpoint.path(), { rawBody: `{"x":${arrays}}` }),
        400,
      );
    });

    it('refuses bodies at the limits — 1 MiB of nesting, 10,000 keys — with a 4xx, and keeps serving others', async () => {
      const client = system.http(service);
      // Just under 1 MiB: arrays nested as deep as the bytes allow.
      const depth = Math.floor((1024 * 1024 - 16) / 2);
      const nested = `{"x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const manyKeys = JSON.stringify(
        Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])),
      );
      // Twenty hostile bodies at once, and a normal request among them.
      const hostile = Array.from({ length: 10 }, () => [
        client.request('POST', endpoint.path(), { rawBody: nested }),
        client.request('POST', endpoint.path(), { rawBody: manyKeys }),
      ]).flat();
      const started = Date.now();
      const health = await client.get('/manage/health');
      const healthMs = Date.now() - started;
      const answers = await Promise.all(hostile);

      for (const answer of answers) expectError(answer, 400);
      expectStatus(health, 200);
      // Served while the hostile bodies were parsed: within the time-out a caller would give it.
      expect(healthMs).toBeLessThan(HTTP_TIMEOUT_MS);
    });

    it('refuses a NUL character in a text field with 400 naming the field', async () => {
      const body = { ...endpoint.valid(), [endpoint.text]: 'Lego\u00008070' };
      expectBadRequest(await system.http(service).post(endpoint.path(), body), [endpoint.text]);
    });

    it.each(['__proto__', 'constructor', 'prototype'])(
      'refuses the key %s like any unknown field',
      async (key) => {
        const rawBody = JSON.stringify(endpoint.valid()).replace(/^\{/, `{"${key}": {"status": "CANCELED"},`);
        expectError(
          await system.http(service).request('POST', endpoint.path(), { rawBody }),
          400,
          `unknown field ${key} is not allowed`,
        );
      },
    );

    it('answers an over-long request line and headers with JSON 431', async () => {
      const port = system.services[service].port;
      const longLine = parseRaw(
        await rawExchange(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
      );
      expect(longLine.status).toBe(431);
      expect(longLine.headers).toContain('content-type: application/json\r\n');
      expect(longLine.body).toEqual({ message: expect.stringMatching(/too large/) });

      const headers = Array.from({ length: 500 }, (_, i) => `X-Filler-${i}: ${'b'.repeat(40)}`).join('\r\n');
      const many = parseRaw(
        await rawExchange(port, `GET /manage/health HTTP/1.1\r\nHost: x\r\n${headers}\r\n\r\n`),
      );
      expect(many.status).toBe(431);
    });

    it('answers a malformed request with JSON 400', async () => {
      const answer = parseRaw(await rawExchange(system.services[service].port, 'HELLO THERE\r\n\r\n'));
      expect(answer.status).toBe(400);
      expect(answer.headers).toContain('content-type: application/json\r\n');
      expect(answer.body).toEqual({ message: expect.any(String) });
    });
  });

  it('a purchase smuggling "__proto__": {"status": "CANCELED"} buys nothing', async () => {
    const stock = await probe.stock('Lego 8070', 'M');
    const orders = (await probe.orders(ALEX_UID)).length;
    const rawBody = '{"model": "Lego 8070", "size": "M", "__proto__": {"status": "CANCELED"}}';

    expectError(await system.http('store').request('POST', paths.storePurchase(ALEX_UID), { rawBody }), 400);

    expect(await probe.stock('Lego 8070', 'M')).toBe(stock);
    expect(await probe.orders(ALEX_UID)).toHaveLength(orders);
  });

  it('a NUL in a claim reason neither reaches a database nor opens a breaker', async () => {
    const { orderUid } = (
      await system.http('store').post(paths.storePurchase(ALEX_UID), bodies.store.valid())
    ).body as { orderUid: string };
    for (let i = 0; i < 5; i++) {
      expectBadRequest(
        await system.http('store').post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'x\u0000y' }),
        ['reason'],
      );
    }
    expect(
      (await system.http('store').post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'ok' })).status,
    ).toBe(200);
  });
});
