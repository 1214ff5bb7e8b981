import { randomBytes } from 'node:crypto';
import { TestQueues } from './broker';
import { ALEX_UID, paths } from './contract';
import { ShopProbe } from './shop';
import { TcpProxy } from './tcp-proxy';
import { SYSTEM_TIMEOUT_MS, TestSystem } from './test-system';
import { eventually } from './wait';

export interface ClaimState {
  status: 'PENDING' | 'DONE' | 'FAILED';
  decision: string | null;
}

export interface ClaimRow extends Record<string, unknown> {
  claim_uid: string;
  status: string;
  decision: string | null;
  attempts: number;
}

/** Shorter than the default back-off, still growing: the tests wait for a few tries. */
export const CLAIM_RETRY_DELAYS_MS = [250, 500, 1000, 2000];
/** Long enough for a restart, the breakers' pause and the longest back-off. */
export const CLAIM_PROCESSED_WITHIN_MS = 30_000;

/**
 * A system for the tests of queued warranty claims, set up in the calling describe's hooks:
 * with TEST_AMQP_URL on RabbitMQ (queues unique to this run, reached through a TCP proxy that a
 * test can cut), otherwise on the embedded queue. Its helpers buy, claim and watch claims
 * through the store, as Alex.
 */
export class ClaimsFixture {
  readonly amqpUrl = process.env.TEST_AMQP_URL;
  readonly queue = `warranty-claims-e2e-${randomBytes(4).toString('hex')}`;
  readonly queues = this.amqpUrl
    ? new TestQueues(this.amqpUrl, this.queue, CLAIM_RETRY_DELAYS_MS)
    : undefined;
  brokerProxy?: TcpProxy;
  private current?: TestSystem;

  constructor(options: { halfOpenAfterMs: number; overdueMs: number }) {
    beforeAll(async () => {
      let storeAmqpUrl: string | undefined;
      if (this.amqpUrl) {
        const broker = new URL(this.amqpUrl);
        this.brokerProxy = new TcpProxy([{ host: broker.hostname, port: Number(broker.port || 5672) }]);
        await this.brokerProxy.open();
        broker.hostname = '127.0.0.1';
        broker.port = String(this.brokerProxy.port);
        storeAmqpUrl = broker.toString();
      }
      this.current = await TestSystem.start({
        env: { BREAKER_HALF_OPEN_AFTER_MS: String(options.halfOpenAfterMs) },
        serviceEnv: {
          store: {
            CLAIMS_QUEUE: this.queue,
            CLAIM_RETRY_DELAYS_MS: CLAIM_RETRY_DELAYS_MS.join(','),
            CLAIM_OVERDUE_MS: String(options.overdueMs),
            ...(storeAmqpUrl ? { AMQP_URL: storeAmqpUrl } : {}),
          },
        },
      });
    }, SYSTEM_TIMEOUT_MS);

    afterAll(async () => {
      await this.current?.stop();
      await this.brokerProxy?.cut();
      await this.queues?.deleteAll();
    });
  }

  get system(): TestSystem {
    if (!this.current) throw new Error('The claims system is started in beforeAll');
    return this.current;
  }

  get probe(): ShopProbe {
    return new ShopProbe(this.system);
  }

  async buy(): Promise<{ orderUid: string; itemUid: string }> {
    const purchase = await this.system
      .http('store')
      .post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' });
    expect(purchase.status).toBe(201);
    const orderUid = (purchase.body as { orderUid: string }).orderUid;
    const order = await this.system.http('order').get(paths.userOrder(ALEX_UID, orderUid));
    return { orderUid, itemUid: (order.body as { itemUid: string }).itemUid };
  }

  claim(orderUid: string, reason = 'The brick does not fit') {
    return this.system.http('store').post(paths.storeClaim(ALEX_UID, orderUid), { reason });
  }

  async claimState(orderUid: string): Promise<ClaimState | null> {
    const view = await this.system.http('store').get(paths.storeOrder(ALEX_UID, orderUid));
    expect(view.status).toBe(200);
    return (view.body as { warrantyClaim: ClaimState | null }).warrantyClaim;
  }

  async untilClaim(orderUid: string, expected: ClaimState): Promise<void> {
    await eventually(async () => expect(await this.claimState(orderUid)).toEqual(expected), {
      timeoutMs: CLAIM_PROCESSED_WITHIN_MS,
      intervalMs: 250,
    });
  }

  async warrantyStatus(itemUid: string): Promise<string> {
    const warranty = await this.system.http('warranty').get(paths.warranty(itemUid));
    expect(warranty.status).toBe(200);
    return (warranty.body as { status: string }).status;
  }

  /**
   * Statements on the store's database while the store is stopped (the embedded engine allows
   * one process; with PostgreSQL it is stopped too, so that it starts up again like after a crash).
   */
  async withStoreStopped(text: string, params: unknown[]): Promise<ClaimRow[]> {
    const service = this.system.services.store;
    let exitCode: number | null = null;
    try {
      exitCode = await service.stop();
      return await this.system.sql<ClaimRow>('store', text, params);
    } finally {
      if (!service.running) await service.start();
      expect(exitCode).toBe(0); // SIGTERM: a clean exit (the contract)
    }
  }

  claimsOf(orderUid: string): Promise<ClaimRow[]> {
    return this.withStoreStopped(
      `SELECT claim_uid, status, decision, attempts::int AS attempts FROM warranty_claim
       WHERE order_uid = $1 ORDER BY created_at`,
      [orderUid],
    );
  }
}
