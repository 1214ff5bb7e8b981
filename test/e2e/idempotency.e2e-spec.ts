import { randomUUID } from 'node:crypto';
import {
  EMBEDDED_SQL_TIMEOUT_MS,
  ALEX_UID,
  eventually,
  expectError,
  expectResponse,
  expectStatus,
  HttpClient,
  paths,
  ShopProbe,
  SERVICE_RESTART_TIMEOUT_MS,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * CONTRACT.md, store, "Idempotent requests": purchase, refund and warranty claim with an
 * Idempotency-Key, over HTTP against real processes (order behind a fault proxy, so that a
 * request can be held while it runs).
 */
const ITEM = { model: 'Lego 8070', size: 'M' };
/** An expired key is gone within this (each look at the embedded database restarts the store). */
const CLEANED_UP_WITHIN_MS = 90_000;
/** A look at the store's embedded database: the store stops, the script runs, the store starts. */
const SQL_LOOK_MS = SERVICE_RESTART_TIMEOUT_MS + EMBEDDED_SQL_TIMEOUT_MS;
/** Two restarts, a look, the clean-up's wait and its last look, and a few requests. */
const RESTART_TEST_MS = 2 * SERVICE_RESTART_TIMEOUT_MS + 2 * SQL_LOOK_MS + CLEANED_UP_WITHIN_MS + 60_000;

describe('store: idempotent requests', () => {
  let system: TestSystem;
  let store: HttpClient;
  let probe: ShopProbe;
  const BOB_UID = randomUUID();

  beforeAll(async () => {
    system = await TestSystem.start({ faultProxies: ['order'] });
    store = system.http('store');
    probe = new ShopProbe(system);
    await system.sql('store', `INSERT INTO users (name, user_uid) VALUES ('Bob', $1)`, [BOB_UID]);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  const key = () => ({ 'Idempotency-Key': `key-${randomUUID()}` });

  function purchase(userUid: string, headers: Record<string, string>, body: object = ITEM) {
    return store.post(paths.storePurchase(userUid), body, { headers });
  }

  it('answers a repeated purchase with the first answer, marked replayed, and buys once', async () => {
    const headers = key();
    const stock = await probe.stock(ITEM.model, ITEM.size);
    const orders = (await probe.orders(ALEX_UID)).length;

    const first = await purchase(ALEX_UID, headers);
    expectStatus(first, 201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    // The same request: same JSON whatever its key order and spacing, same path in another case.
    const again = await store.request('POST', paths.storePurchase(ALEX_UID.toUpperCase()), {
      rawBody: '{ "size": "M",   "model": "Lego 8070" }',
      headers,
    });

    expectResponse(again, 201, first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await probe.stock(ITEM.model, ITEM.size)).toBe(stock - 1);
    expect(await probe.orders(ALEX_UID)).toHaveLength(orders + 1);
  });

  it('refuses the key for a different request with 422, and changes nothing', async () => {
    const headers = key();
    expectStatus(await purchase(ALEX_UID, headers), 201);
    const stock = await probe.stock('Lego 8880', 'L');

    expectError(await purchase(ALEX_UID, headers, { model: 'Lego 8880', size: 'L' }), 422, /another request/);
    const { orderUid } = (await purchase(ALEX_UID, key())).body as { orderUid: string };
    expectError(
      await store.delete(paths.storeRefund(ALEX_UID, orderUid), { headers }),
      422,
      /another request/,
    );
    expect(await probe.stock('Lego 8880', 'L')).toBe(stock);
    expect(await probe.orderStatus(ALEX_UID, orderUid)).toBe('PAID');
  });

  it('answers 409 with Retry-After while the first request with the key still runs', async () => {
    const headers = key();
    const held = system
      .proxy('order')
      .add({ method: 'POST', path: /^\/api\/v1\/orders\//, action: 'hold', times: 1 });
    const first = purchase(ALEX_UID, headers);
    await held.hit;

    const meanwhile = await purchase(ALEX_UID, headers);
    expectError(meanwhile, 409, /in progress/);
    expect(meanwhile.headers.get('retry-after')).toMatch(/^\d+$/);

    await held.release();
    expectStatus(await first, 201);
    expect((await purchase(ALEX_UID, headers)).headers.get('idempotent-replayed')).toBe('true');
  });

  it('does not remember a 503: the same key tries again once the service is back', async () => {
    const headers = key();
    await system.services.order.kill();
    try {
      expectError(await purchase(ALEX_UID, headers), 503, 'Order Service unavailable');
    } finally {
      await system.services.order.start();
    }
    const retried = await purchase(ALEX_UID, headers);
    expectStatus(retried, 201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('keeps the keys of different users apart', async () => {
    const headers = key();
    const alex = await purchase(ALEX_UID, headers);
    const bob = await purchase(BOB_UID, headers);
    expectStatus(alex, 201);
    expectStatus(bob, 201);
    expect(bob.body).not.toEqual(alex.body);
    expect(bob.headers.get('idempotent-replayed')).toBeNull();
  });

  it('checks the user before the key: an unknown user is a 404 and no key is kept', async () => {
    const headers = key();
    expectError(await purchase(randomUUID(), headers), 404, /^User '.*' not found$/);
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['with a space', 'two words'],
  ])('refuses a key that is %s with 400', async (_case, value) => {
    const stock = await probe.stock(ITEM.model, ITEM.size);
    expectError(await purchase(ALEX_UID, { 'Idempotency-Key': value }), 400, /Idempotency-Key/);
    expect(await probe.stock(ITEM.model, ITEM.size)).toBe(stock);
  });

  it('does not remember a 400: the key can be used again with a valid body', async () => {
    const headers = key();
    expectStatus(await purchase(ALEX_UID, headers, { model: 'Lego 8070', size: 'XXL' }), 400);
    expectStatus(await purchase(ALEX_UID, headers), 201);
  });

  it('replays a refund (204) and a claim (200), and a 409 of a refund too', async () => {
    const { orderUid } = (await purchase(ALEX_UID, key())).body as { orderUid: string };
    const claimHeaders = key();
    const claim = () =>
      store.post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'Broken' }, { headers: claimHeaders });
    const decided = await claim();
    expectStatus(decided, 200);
    const again = await claim();
    expectResponse(again, 200, decided.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const refundHeaders = key();
    const refund = () => store.delete(paths.storeRefund(ALEX_UID, orderUid), { headers: refundHeaders });
    expectStatus(await refund(), 204);
    const replayed = await refund();
    expectStatus(replayed, 204);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');

    const otherKey = key();
    const conflict = await store.delete(paths.storeRefund(ALEX_UID, orderUid), { headers: otherKey });
    expectError(conflict, 409, /already canceled/);
    const conflictAgain = await store.delete(paths.storeRefund(ALEX_UID, orderUid), { headers: otherKey });
    expectError(conflictAgain, 409, /already canceled/);
    expect(conflictAgain.headers.get('idempotent-replayed')).toBe('true');
  });

  it(
    'remembers across a restart of the store, and forgets a key once it expired',
    async () => {
      const headers = key();
      const first = await purchase(ALEX_UID, headers);
      expectStatus(first, 201);
      await system.services.store.restart();

      const replayed = await purchase(ALEX_UID, headers);
      expectResponse(replayed, 201, first.body);
      expect(replayed.headers.get('idempotent-replayed')).toBe('true');

      // Expired (kept at least 24 h; here aged by hand): cleaned up at the store's start.
      await system.sql(
        'store',
        `UPDATE idempotency_record SET expires_at = now() - interval '1 second' WHERE key = $1`,
        [headers['Idempotency-Key']],
      );
      if (system.usesPostgres) await system.services.store.restart();
      await eventually(
        async () => {
          const [kept] = await system.sql<{ count: number }>(
            'store',
            'SELECT count(*)::int AS count FROM idempotency_record WHERE key = $1',
            [headers['Idempotency-Key']],
          );
          expect(kept.count).toBe(0);
        },
        { timeoutMs: CLEANED_UP_WITHIN_MS },
      );
      const orders = (await probe.orders(ALEX_UID)).length;
      const again = await purchase(ALEX_UID, headers);
      expectStatus(again, 201);
      // A new request under an old key: a new purchase, not the answer of a day-old one.
      expect(again.body).not.toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      expect(await probe.orders(ALEX_UID)).toHaveLength(orders + 1);
    },
    RESTART_TEST_MS,
  );

  it('without the header, nothing changes: two requests, two purchases', async () => {
    const first = await store.post(paths.storePurchase(ALEX_UID), ITEM);
    const second = await store.post(paths.storePurchase(ALEX_UID), ITEM);
    expect(first.body).not.toEqual(second.body);
  });
});
