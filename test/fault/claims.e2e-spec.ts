import { randomBytes } from 'node:crypto';
import {
  ALEX_UID,
  eventually,
  expectError,
  expectResponse,
  expectStatus,
  HttpClient,
  paths,
  ShopProbe,
  SYSTEM_TIMEOUT_MS,
  TcpProxy,
  TestQueues,
  TestSystem,
} from '../support';

/**
 * Warranty claims (#3) queued while warehouse or warranty is down, with services really killed
 * and restarted: 202 PENDING, stored before the answer, processed once the services are back,
 * exactly once in effect, across a store crash and a dropped broker connection; a claim that can
 * never succeed is dead-lettered. With TEST_AMQP_URL on RabbitMQ (queues unique to this run),
 * otherwise on the embedded queue.
 */
const AMQP_URL = process.env.TEST_AMQP_URL;
const QUEUE = `warranty-claims-e2e-${randomBytes(4).toString('hex')}`;
/** Shorter than the default back-off, still growing: the tests wait for a few tries. */
const RETRY_DELAYS_MS = [500, 1000, 2000, 3000];
const HALF_OPEN_AFTER_MS = 1500;
/** Long enough for a restart, the breakers' pause and the longest back-off. */
const PROCESSED_WITHIN_MS = 30_000;
/** A waiting claim whose message is lost is published again this long after its try was due. */
const OVERDUE_MS = 3000;

interface ClaimState {
  status: 'PENDING' | 'DONE' | 'FAILED';
  decision: string | null;
}

interface ClaimRow extends Record<string, unknown> {
  claim_uid: string;
  status: string;
  decision: string | null;
  attempts: number;
}

const describeRabbitMq = AMQP_URL ? describe : describe.skip;

describe(`fault tolerance: queued warranty claims (${AMQP_URL ? 'RabbitMQ' : 'embedded queue'})`, () => {
  let system: TestSystem;
  let store: HttpClient;
  let probe: ShopProbe;
  let brokerProxy: TcpProxy | undefined;
  const queues = AMQP_URL ? new TestQueues(AMQP_URL, QUEUE, RETRY_DELAYS_MS) : undefined;

  beforeAll(async () => {
    let storeAmqpUrl: string | undefined;
    if (AMQP_URL) {
      const broker = new URL(AMQP_URL);
      brokerProxy = new TcpProxy(broker.hostname, Number(broker.port || 5672));
      await brokerProxy.open();
      broker.hostname = '127.0.0.1';
      broker.port = String(brokerProxy.port);
      storeAmqpUrl = broker.toString();
    }
    system = await TestSystem.start({
      env: { BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS) },
      serviceEnv: {
        store: {
          CLAIMS_QUEUE: QUEUE,
          CLAIM_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
          CLAIM_OVERDUE_MS: String(OVERDUE_MS),
          ...(storeAmqpUrl ? { AMQP_URL: storeAmqpUrl } : {}),
        },
      },
    });
    store = system.http('store');
    probe = new ShopProbe(system);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
    await brokerProxy?.cut();
    await queues?.deleteAll();
  });

  async function buy(): Promise<{ orderUid: string; itemUid: string }> {
    const purchase = await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' });
    expect(purchase.status).toBe(201);
    const orderUid = (purchase.body as { orderUid: string }).orderUid;
    const order = await system.http('order').get(paths.userOrder(ALEX_UID, orderUid));
    return { orderUid, itemUid: (order.body as { itemUid: string }).itemUid };
  }

  function claim(orderUid: string, reason = 'The brick does not fit') {
    return store.post(paths.storeClaim(ALEX_UID, orderUid), { reason });
  }

  async function claimState(orderUid: string): Promise<ClaimState | null> {
    const view = await store.get(paths.storeOrder(ALEX_UID, orderUid));
    expect(view.status).toBe(200);
    return (view.body as { warrantyClaim: ClaimState | null }).warrantyClaim;
  }

  async function untilClaim(orderUid: string, expected: ClaimState): Promise<void> {
    await eventually(async () => expect(await claimState(orderUid)).toEqual(expected), {
      timeoutMs: PROCESSED_WITHIN_MS,
      intervalMs: 250,
    });
  }

  async function warrantyStatus(itemUid: string): Promise<string> {
    const warranty = await system.http('warranty').get(paths.warranty(itemUid));
    expect(warranty.status).toBe(200);
    return (warranty.body as { status: string }).status;
  }

  /**
   * Statements on the store's database while the store is stopped (the embedded engine allows
   * one process; with PostgreSQL it is stopped too, so that it starts up again like after a crash).
   */
  async function withStoreStopped(text: string, params: unknown[]): Promise<ClaimRow[]> {
    const service = system.services.store;
    let exitCode: number | null = null;
    try {
      exitCode = await service.stop();
      return await system.sql<ClaimRow>('store', text, params);
    } finally {
      if (!service.running) await service.start();
      expect(exitCode).toBe(0); // SIGTERM: a clean exit (the contract)
    }
  }

  async function claimsOf(orderUid: string): Promise<ClaimRow[]> {
    return withStoreStopped(
      `SELECT claim_uid, status, decision, attempts::int AS attempts FROM warranty_claim
       WHERE order_uid = $1 ORDER BY created_at`,
      [orderUid],
    );
  }

  it('answers 503 and queues nothing when order service is down', async () => {
    const { orderUid } = await buy();
    await system.services.order.kill();
    try {
      expectError(await claim(orderUid), 503, 'Order Service unavailable');
    } finally {
      await system.services.order.start();
    }
    expect(await claimState(orderUid)).toBeNull();
  });

  it('queues a claim while warranty is down (202 PENDING) and decides it once warranty is back', async () => {
    const { orderUid, itemUid } = await buy();
    await system.services.warranty.kill();

    const accepted = await claim(orderUid);
    expectResponse(accepted, 202, {
      orderUid,
      decision: 'PENDING',
      message: expect.stringMatching(/^Warranty Service unavailable: .*queued/),
    });
    expect(await claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });
    // A second claim while one waits is answered with the waiting one, not queued behind it.
    expect((await claim(orderUid, 'Again')).status).toBe(202);
    const health = await store.get('/manage/health');
    expect(health.body.components.broker).toEqual({
      status: 'Work',
      type: AMQP_URL ? 'rabbitmq' : 'embedded',
    });

    // A few tries fail with growing back-off while warranty stays down.
    await probe.untilLogged(
      'store',
      /Claim '[0-9a-f-]+' try 3 failed \(Warranty Service unavailable\)/,
      PROCESSED_WITHIN_MS,
    );
    expect(await claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });

    await system.services.warranty.start();
    await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect(await warrantyStatus(itemUid)).toBe('USE_WARRANTY');

    const rows = await claimsOf(orderUid);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'DONE', decision: 'RETURN' });
    expect(rows[0].attempts).toBeGreaterThanOrEqual(2);

    // The same claim delivered again (reset to PENDING and unpublished, as after a crash before
    // the ack): tried again with its idempotency key, warranty answers its first decision. Without
    // the key the second decision would be REFUSE and the warranty REMOVED_FROM_WARRANTY.
    await withStoreStopped(
      `UPDATE warranty_claim SET status = 'PENDING', decision = NULL, published = FALSE,
         next_attempt_at = now(), updated_at = now() - interval '1 minute'
       WHERE claim_uid = $1 RETURNING claim_uid`,
      [rows[0].claim_uid],
    );
    await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect(await warrantyStatus(itemUid)).toBe('USE_WARRANTY');

    // Order's own endpoint with the same key: the first decision again, nothing changes.
    const repeated = await system
      .http('order')
      .post(
        paths.orderClaim(orderUid),
        { reason: 'x' },
        { headers: { 'Idempotency-Key': rows[0].claim_uid } },
      );
    expect(repeated.body).toMatchObject({ decision: 'RETURN' });
    expect(await warrantyStatus(itemUid)).toBe('USE_WARRANTY');
  });

  it('queues a claim while warehouse is down and decides it once warehouse is back', async () => {
    const { orderUid } = await buy();
    await system.services.warehouse.kill();
    try {
      const accepted = await claim(orderUid);
      expect(accepted.status).toBe(202);
      expect(accepted.body.message).toMatch(/^Warehouse Service unavailable/);
      expect(await claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });
    } finally {
      await system.services.warehouse.start();
    }
    await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
  });

  it('still processes a claim when the store is killed right after the 202', async () => {
    const { orderUid, itemUid } = await buy();
    await system.services.warranty.kill();
    expect((await claim(orderUid)).status).toBe(202);
    await system.services.store.kill(); // SIGKILL: no shutdown hooks, unacked deliveries go back

    await system.services.warranty.start();
    await system.services.store.start();
    await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect(await warrantyStatus(itemUid)).toBe('USE_WARRANTY');
  });

  it('dead-letters a claim that can never succeed (its warranty is gone) and marks it FAILED', async () => {
    const { orderUid, itemUid } = await buy();
    await system.services.warranty.kill();
    expect((await claim(orderUid)).status).toBe(202);
    await system.sql('warranty', 'DELETE FROM warranty WHERE item_uid = $1', [itemUid]);
    await system.services.warranty.start();

    await untilClaim(orderUid, { status: 'FAILED', decision: null });
    const [row] = await claimsOf(orderUid);
    expect(system.services.store.logTail(400)).toContain(`Claim '${row.claim_uid}'`);
    if (queues) {
      await eventually(async () => expect(await queues.deadLettered()).toContain(row.claim_uid), {
        timeoutMs: 10_000,
        intervalMs: 250,
      });
    }

    // The operator lists it, mends the cause and puts it back: it is decided, and leaves the list.
    const dead = await store.get('/manage/claims/dead');
    expectStatus(dead, 200);
    expect(dead.body).toContainEqual(
      expect.objectContaining({
        claimUid: row.claim_uid,
        orderUid,
        error: expect.stringMatching(/Warranty not found/),
      }),
    );
    expectStatus(await system.http('warranty').post(paths.warranty(itemUid)), 204);
    const replayed = await store.post(`/manage/claims/dead/${row.claim_uid}/replay`);
    expectResponse(replayed, 200, { replayed: [row.claim_uid] });
    await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    expect((await store.get('/manage/claims/dead')).body).not.toContainEqual(
      expect.objectContaining({ claimUid: row.claim_uid }),
    );
    expectError(await store.post(`/manage/claims/dead/${row.claim_uid}/replay`), 404, /No dead claim/);
    if (queues)
      await eventually(async () => expect(await queues.deadLettered()).not.toContain(row.claim_uid));
  });

  it('puts every dead claim back at once', async () => {
    const lost = [await buy(), await buy()];
    await system.services.warranty.kill();
    for (const { orderUid } of lost) expect((await claim(orderUid)).status).toBe(202);
    await system.sqlBatch(
      'warranty',
      lost.map(({ itemUid }) => ({ text: 'DELETE FROM warranty WHERE item_uid = $1', params: [itemUid] })),
    );
    await system.services.warranty.start();
    for (const { orderUid } of lost) await untilClaim(orderUid, { status: 'FAILED', decision: null });

    for (const { itemUid } of lost)
      expectStatus(await system.http('warranty').post(paths.warranty(itemUid)), 204);
    const replayed = await store.post('/manage/claims/dead/replay');
    expectStatus(replayed, 200);
    expect((replayed.body as { replayed: string[] }).replayed).toHaveLength(2);
    for (const { orderUid } of lost) await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
  });

  describeRabbitMq('with RabbitMQ', () => {
    it('declares every queue as a durable quorum queue', async () => {
      const declared = await (queues as TestQueues).declared();
      expect(declared.map((queue) => queue.name).sort()).toEqual((queues as TestQueues).all().sort());
      expect(declared.every((queue) => queue.durable && queue.type === 'quorum')).toBe(true);
    });

    it('publishes a waiting claim again once it is overdue, when the broker lost its message', async () => {
      const { orderUid, itemUid } = await buy();
      await system.services.warranty.kill();
      expect((await claim(orderUid)).status).toBe(202);
      await (queues as TestQueues).purgeWaiting(); // the message is gone; the store's table still has the claim
      await system.services.warranty.start();

      await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
      expect(await warrantyStatus(itemUid)).toBe('USE_WARRANTY');
      expect(system.services.store.logTail(400)).toMatch(/published by the outbox relay/);
    });

    it('declares its queue again and goes on when the queue was deleted under it', async () => {
      const broker = queues as TestQueues;
      const { orderUid } = await buy();
      await system.services.warranty.kill();
      await broker.withChannel((channel) => channel.deleteQueue(QUEUE).then(() => undefined));
      expect((await claim(orderUid)).status).toBe(202);
      await system.services.warranty.start();

      await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
      expect((await broker.declared()).map((queue) => queue.name)).toContain(QUEUE);
    });

    it('ignores a duplicate delivery of a decided claim', async () => {
      const { orderUid, itemUid } = await buy();
      await system.services.warranty.kill();
      expect((await claim(orderUid)).status).toBe(202);
      await system.services.warranty.start();
      await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });

      const [row] = await claimsOf(orderUid);
      const broker = queues as TestQueues;
      await broker.publish({ pattern: 'warranty-claim', data: { claimUid: row.claim_uid } });
      // Settled (acked) by the store: handled, not merely delivered.
      await eventually(async () => expect(await broker.messages(QUEUE)).toBe(0), { timeoutMs: 10_000 });
      expect(await claimState(orderUid)).toEqual({ status: 'DONE', decision: 'RETURN' });
      expect(await warrantyStatus(itemUid)).toBe('USE_WARRANTY');
    });

    it('queues a claim while RabbitMQ is down (outbox) and processes it once RabbitMQ is back', async () => {
      const proxy = brokerProxy as TcpProxy;
      const { orderUid } = await buy();
      await system.services.warranty.kill();
      await proxy.cut();
      try {
        await eventually(async () => {
          const health = await store.get('/manage/health');
          expect(health.status).toBe(503);
          expect(health.body.components.broker).toEqual({
            status: 'Fail',
            error: expect.stringMatching(/^RabbitMQ connection is down/),
            type: 'rabbitmq',
          });
        });
        // Stored (committed) before the answer; the broker gets it from the outbox relay later.
        expect((await claim(orderUid)).status).toBe(202);
        expect(await claimState(orderUid)).toEqual({ status: 'PENDING', decision: null });
      } finally {
        await proxy.open();
      }
      await eventually(async () => expect((await store.get('/manage/health')).status).toBe(200), {
        timeoutMs: 20_000,
        intervalMs: 250,
      });
      await system.services.warranty.start();
      await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    });

    it("processes a claim after the listener's broker connection was dropped and restored", async () => {
      const { orderUid } = await buy();
      await system.services.warranty.kill();
      expect((await claim(orderUid)).status).toBe(202);

      const broker = queues as TestQueues;
      const before = await broker.storeConnections();
      expect(before.map((connection) => connection.role).sort()).toEqual(['consumer', 'publisher']);
      for (const connection of before) await broker.closeConnection(connection.pid);
      // The store reconnects on its own, with new connections.
      await eventually(
        async () => {
          const after = await broker.storeConnections();
          expect(after.map((connection) => connection.role).sort()).toEqual(['consumer', 'publisher']);
          expect(after.some((connection) => before.some((old) => old.pid === connection.pid))).toBe(false);
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      expect((await store.get('/manage/health')).body.components.broker).toMatchObject({ status: 'Work' });

      await system.services.warranty.start();
      await untilClaim(orderUid, { status: 'DONE', decision: 'RETURN' });
    });
  });
});
