import { randomUUID } from 'node:crypto';
import {
  ALEX_UID,
  CatalogueItem,
  ensureRabbitIsUp,
  eventually,
  EVENTUALLY_TIMEOUT_MS,
  expectStatus,
  freezePostgres,
  HttpClient,
  HttpResponse,
  paths,
  SERVER_RESTART_TIMEOUT_MS,
  SERVICE_RESTART_TIMEOUT_MS,
  ShopProbe,
  startPostgres,
  startRabbitApp,
  startRabbitServer,
  stopPostgres,
  stopRabbitApp,
  stopRabbitServer,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
  thawPostgres,
} from '../support';
import { SERVER_COMMAND_TIMEOUT_MS } from '../support/server-commands';
import { checkInvariants, QUIET_WITHIN_MS, readSnapshot, untilQuiet } from '../soak/invariants';
import { Ledger } from '../soak/ledger';

/**
 * CONTRACT.md, "Fault tolerance" 6: PostgreSQL and RabbitMQ restarted for real on this machine
 * (they are started again in `finally`, whatever happens), and PostgreSQL frozen (SIGSTOP, let
 * run again in `finally` and before the servers' start). Every service reconnects by itself;
 * meanwhile every answer is JSON — a 503, or the queued and degraded answers — never a 500, a
 * crash or a hang; claims published before a broker restart survive it; nothing is half done.
 * Only with real servers (TEST_DATABASE_URL and TEST_AMQP_URL).
 */
const DATABASE_URL = process.env.TEST_DATABASE_URL;
const AMQP_URL = process.env.TEST_AMQP_URL;
const TIMEOUT_MS = 1500;
/** A database statement's deadline; the service gives up on an unanswered one 1 s later. */
const STATEMENT_TIMEOUT_MS = 2000;
/** A client gives up after this: an answer slower than this is a hang. */
const CLIENT_TIMEOUT_MS = 10_000;
const RECOVERED_WITHIN_MS = 60_000;
/** Once PostgreSQL is down, the 503s come within this. */
const FAILING_WITHIN_MS = 20_000;
/** The test's own plain requests (a purchase, a claim, a look at health): a margin. */
const REQUESTS_MS = 60_000;
/**
 * Each test's time-out is the sum of the bounds of its waits, so that on a slow machine the wait
 * that overran fails with its own message (what did not happen in time) rather than jest's
 * time-out, and a slow server restart (33–48 s for RabbitMQ with both cores busy) is no failure.
 */
const POSTGRES_RESTART_TEST_MS =
  EVENTUALLY_TIMEOUT_MS +
  FAILING_WITHIN_MS +
  SERVER_RESTART_TIMEOUT_MS +
  RECOVERED_WITHIN_MS +
  QUIET_WITHIN_MS +
  REQUESTS_MS;
/**
 * While PostgreSQL is frozen, a keyed purchase's 503 comes after a statement's deadline and its
 * grace (3 s) or a pool connection's wait (5 s), and each loop of the traffic also spends three
 * calls' time-outs until the breakers open: two keyed 503s take up to ~20 s; twice that.
 */
const FROZEN_ANSWERS_WITHIN_MS = 2 * FAILING_WITHIN_MS;
const POSTGRES_FREEZE_TEST_MS =
  EVENTUALLY_TIMEOUT_MS +
  2 * SERVER_COMMAND_TIMEOUT_MS + // the freeze's and the thaw's look at the cluster
  FROZEN_ANSWERS_WITHIN_MS +
  RECOVERED_WITHIN_MS +
  QUIET_WITHIN_MS +
  REQUESTS_MS;
const RABBIT_APP_RESTART_TEST_MS =
  EVENTUALLY_TIMEOUT_MS +
  SERVER_RESTART_TIMEOUT_MS +
  SERVICE_RESTART_TIMEOUT_MS +
  3 * RECOVERED_WITHIN_MS +
  QUIET_WITHIN_MS +
  REQUESTS_MS;
const RABBIT_SERVER_RESTART_TEST_MS =
  SERVER_RESTART_TIMEOUT_MS + SERVICE_RESTART_TIMEOUT_MS + 2 * RECOVERED_WITHIN_MS + REQUESTS_MS;

interface Answer {
  what: string;
  status: number;
  body: unknown;
}

/** Requests through the store in a loop, every answer kept, until stopped. */
class Traffic {
  readonly answers: Answer[] = [];
  private running = true;
  private readonly done: Promise<void>;

  constructor(private readonly store: HttpClient) {
    this.done = this.loop();
  }

  async stop(): Promise<Answer[]> {
    this.running = false;
    await this.done;
    return this.answers;
  }

  /** Waits (bounded) until more than `moreThan` answers with this status — of this request, from the `since`-th answer on, if said — have come. */
  async untilMoreThan(
    moreThan: number,
    status: number,
    { what, since = 0, timeoutMs }: { what?: string; since?: number; timeoutMs?: number } = {},
  ): Promise<void> {
    await eventually(
      () =>
        expect(
          this.answers
            .slice(since)
            .filter((answer) => answer.status === status && (what === undefined || answer.what === what))
            .length,
        ).toBeGreaterThan(moreThan),
      { timeoutMs },
    );
  }

  private async loop(): Promise<void> {
    while (this.running) {
      await this.send('purchase', () =>
        this.store.post(
          paths.storePurchase(ALEX_UID),
          { model: 'Lego 8070', size: 'M' },
          { timeoutMs: CLIENT_TIMEOUT_MS },
        ),
      );
      // With a key, the store's own table is the first thing it writes.
      await this.send('purchase with key', () =>
        this.store.post(
          paths.storePurchase(ALEX_UID),
          { model: 'Lego 8070', size: 'M' },
          { timeoutMs: CLIENT_TIMEOUT_MS, headers: { 'Idempotency-Key': randomUUID() } },
        ),
      );
      await this.send('orders', () =>
        this.store.get(paths.storeOrders(ALEX_UID), { timeoutMs: CLIENT_TIMEOUT_MS }),
      );
      await this.send('catalogue', () => this.store.get(paths.storeItems, { timeoutMs: CLIENT_TIMEOUT_MS }));
      await new Promise((resolve) => setTimeout(resolve, 50)); // light load, by design
    }
  }

  private async send(what: string, request: () => Promise<HttpResponse>): Promise<void> {
    // A failure of the request itself (no answer within the client's time-out, a reset) is
    // recorded as status 0: the contract allows neither.
    const answer = await request().then(
      (response) => ({ what, status: response.status, body: response.body as unknown }),
      (error: unknown) => ({ what, status: 0, body: String(error) }),
    );
    this.answers.push(answer);
  }
}

(DATABASE_URL && AMQP_URL ? describe : describe.skip)('fault tolerance: infrastructure restarts', () => {
  let system: TestSystem;
  let store: HttpClient;
  let probe: ShopProbe;
  let initialStock: Map<string, number>;
  const queue = `warranty-claims-infra-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: {
        HTTP_TIMEOUT_MS: String(TIMEOUT_MS),
        DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
        BREAKER_HALF_OPEN_AFTER_MS: '1000',
        AMQP_URL: AMQP_URL as string,
      },
      serviceEnv: { store: { CLAIMS_QUEUE: queue, CLAIM_RETRY_DELAYS_MS: '500,1000,2000' } },
    });
    store = system.http('store');
    probe = new ShopProbe(system);
    const catalogue = (await system.http('warehouse').get<CatalogueItem[]>(paths.warehouseItems)).body;
    initialStock = new Map(catalogue.map((item) => [`${item.model} ${item.size}`, item.availableCount]));
  }, SYSTEM_TIMEOUT_MS);

  afterAll(
    async () => {
      await thawPostgres();
      await startPostgres();
      await ensureRabbitIsUp();
      await system?.stop();
    },
    2 * SERVER_RESTART_TIMEOUT_MS + SYSTEM_TIMEOUT_MS,
  );

  /** The answers the contract allows while a server is away: success, or a JSON 503; never 500 or none. */
  function expectOnlyAllowedAnswers(answers: Answer[]): void {
    const refused = answers.filter((answer) => ![200, 201, 503].includes(answer.status));
    expect(refused).toEqual([]);
    for (const answer of answers.filter((candidate) => candidate.status === 503)) {
      expect(answer.body).toEqual({ message: expect.stringMatching(/unavailable/) });
    }
  }

  /** After a server came back: only allowed answers meanwhile, every service healthy, nothing half done. */
  async function expectBackWhole(answers: Answer[]): Promise<void> {
    expectOnlyAllowedAnswers(answers);
    for (const service of ['store', 'order', 'warehouse', 'warranty'] as const) {
      expectStatus(await system.http(service).get('/manage/health'), 200);
    }
    await expectNothingHalfDone();
  }

  /**
   * Nothing is half done: once everything is still, the soak's invariants hold across the four
   * databases (stock conserved, every order whole, nothing held for nobody, nothing unfinished).
   */
  async function expectNothingHalfDone(): Promise<void> {
    expect(await untilQuiet(system)).toEqual([]);
    expect(checkInvariants(await readSnapshot(system), initialStock, new Ledger())).toEqual([]);
  }

  it(
    'PostgreSQL restarted under load: JSON 503s meanwhile, then every service is back by itself',
    async () => {
      const traffic = new Traffic(store);
      await traffic.untilMoreThan(2, 201);
      try {
        await stopPostgres();
        await traffic.untilMoreThan(3, 503, { timeoutMs: FAILING_WITHIN_MS });
        const health = await store.get('/manage/health');
        expect(health.status).toBe(503);
        expect(health.body).toMatchObject({ status: 'Fail', components: { db: { status: 'Fail' } } });
      } finally {
        await startPostgres();
      }
      await traffic.untilMoreThan(1, 201, {
        what: 'purchase',
        since: traffic.answers.length,
        timeoutMs: RECOVERED_WITHIN_MS,
      });
      await expectBackWhole(await traffic.stop());
    },
    POSTGRES_RESTART_TEST_MS,
  );

  it(
    'PostgreSQL frozen under load: every answer within the time-out, JSON 503s, then served again once it runs',
    async () => {
      const traffic = new Traffic(store);
      let answers: Answer[];
      try {
        await traffic.untilMoreThan(2, 201);
        const frozenAt = traffic.answers.length;
        try {
          await freezePostgres();
          // Without deadlines the store's own statements (an idempotency key's) would wait for
          // ever: the client gives up (status 0) and the test fails here or below.
          await traffic.untilMoreThan(1, 503, {
            what: 'purchase with key',
            since: frozenAt,
            timeoutMs: FROZEN_ANSWERS_WITHIN_MS,
          });
        } finally {
          await thawPostgres();
        }
        await traffic.untilMoreThan(1, 201, {
          what: 'purchase with key',
          since: traffic.answers.length,
          timeoutMs: RECOVERED_WITHIN_MS,
        });
      } finally {
        answers = await traffic.stop(); // a failure above leaves no requests running
      }
      await expectBackWhole(answers);
    },
    POSTGRES_FREEZE_TEST_MS,
  );

  async function buy(): Promise<{ orderUid: string; itemUid: string }> {
    const purchase = await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' });
    expectStatus(purchase, 201);
    const { orderUid } = purchase.body as { orderUid: string };
    const order = await system.http('order').get(paths.userOrder(ALEX_UID, orderUid));
    return { orderUid, itemUid: (order.body as { itemUid: string }).itemUid };
  }

  async function untilDecided(orderUid: string): Promise<void> {
    await eventually(
      async () => {
        const view = await store.get<{ warrantyClaim: unknown }>(paths.storeOrder(ALEX_UID, orderUid));
        expect(view.body.warrantyClaim).toEqual({ status: 'DONE', decision: 'RETURN' });
      },
      { timeoutMs: RECOVERED_WITHIN_MS, intervalMs: 500 },
    );
  }

  async function decisionsOf(itemUid: string): Promise<number> {
    const [row] = await system.sql<{ count: number }>(
      'warranty',
      'SELECT count(*)::int AS count FROM warranty_claim_decision WHERE item_uid = $1',
      [itemUid],
    );
    return row.count;
  }

  it(
    'RabbitMQ application stopped and started: claims queued meanwhile (outbox) and before are decided once',
    async () => {
      const before = await buy();
      const during = await buy();
      await system.services.warranty.kill();
      try {
        expect(
          (await store.post(paths.storeClaim(ALEX_UID, before.orderUid), { reason: 'Broken' })).status,
        ).toBe(202);
        await stopRabbitApp();
        await eventually(async () => expect((await store.get('/manage/health')).status).toBe(503));
        // The claim is committed before the 202; the broker gets it from the outbox once it is back.
        const queued = await store.post(paths.storeClaim(ALEX_UID, during.orderUid), { reason: 'Broken' });
        expect(queued.status).toBe(202);
      } finally {
        await startRabbitApp();
      }
      await system.services.warranty.start();
      await untilDecided(before.orderUid);
      await untilDecided(during.orderUid);
      expect(await decisionsOf(before.itemUid)).toBe(1);
      expect(await decisionsOf(during.itemUid)).toBe(1);
      await expectNothingHalfDone();
      await eventually(async () => expectStatus(await store.get('/manage/health'), 200), {
        timeoutMs: RECOVERED_WITHIN_MS,
      });
    },
    RABBIT_APP_RESTART_TEST_MS,
  );

  it(
    'RabbitMQ server stopped and started: a published claim survives on disk and is decided once',
    async () => {
      const { orderUid, itemUid } = await buy();
      await system.services.warranty.kill();
      expect((await store.post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'Broken' })).status).toBe(202);
      try {
        await stopRabbitServer();
      } finally {
        await startRabbitServer();
      }
      await system.services.warranty.start();
      await untilDecided(orderUid);
      expect(await decisionsOf(itemUid)).toBe(1);
      expect(await probe.warranty(itemUid)).toMatchObject({ status: 'USE_WARRANTY' });
      await eventually(async () => expectStatus(await store.get('/manage/health'), 200), {
        timeoutMs: RECOVERED_WITHIN_MS,
      });
    },
    RABBIT_SERVER_RESTART_TEST_MS,
  );
});
