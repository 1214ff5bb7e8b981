import { randomUUID } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CatalogueItem,
  HttpClient,
  paths,
  SERVICE_NAMES,
  ServiceName,
  ServiceProcess,
  TestQueues,
  TestSystem,
} from '../support';
import { Chaos } from './chaos';
import { checkInvariants, readSnapshot, untilQuiet } from './invariants';
import { Ledger } from './ledger';
import { SeededRandom } from './random';
import { soakReport } from './report';
import { LOW_STOCK_ITEM, ShopClient } from './shop-client';

export interface SoakSettings {
  /** How long the load lasts (the kills with it). */
  loadMs: number;
  seed: number;
  clients: number;
  /** Instances of each service (more than one needs real PostgreSQL). */
  replicas: number;
  /** Real RabbitMQ for the store's claim queue; the embedded queue without. */
  amqpUrl?: string;
  /**
   * Who is killed: by default any process, at random, every 5–20 s. `oneInstanceEach`: with
   * replicas, the second instance of each service in turn, so every service loses one.
   */
  chaos?: { oneInstanceEach?: boolean; everyMs?: [number, number] };
  /** Where the report goes (Markdown); a failed run's service logs go beside it. */
  reportFile?: string;
}

export interface SoakOutcome {
  report: string;
  violations: string[];
}

const LOW_STOCK = 15;
/** Retries of a write go on this long after the load stopped (services restart, breakers close). */
const RETRY_GRACE_MS = 120_000;
const RETRY_DELAYS_MS = [500, 1000, 2000, 5000];

/**
 * The soak: the services under a seeded mixed load of customers, with processes SIGKILLed and
 * restarted on a seeded schedule; then, once everything is still, the promises of the contract
 * checked across the four databases and against what every client was told. Used by
 * `npm run soak` (test/soak/run.js) and by the replicas e2e test.
 */
export async function runSoak(settings: SoakSettings): Promise<SoakOutcome> {
  const started = Date.now();
  const random = new SeededRandom(settings.seed);
  const queue = `warranty-claims-soak-${randomUUID().slice(0, 8)}`;
  const system = await TestSystem.start({
    replicas: settings.replicas,
    env: {
      HTTP_TIMEOUT_MS: '1500',
      BREAKER_HALF_OPEN_AFTER_MS: '1000',
      ...(settings.amqpUrl ? { AMQP_URL: settings.amqpUrl } : {}),
    },
    serviceEnv: {
      // The store waits longer than order's worst case: a failed step and its follow-up.
      store: {
        HTTP_TIMEOUT_MS: '5000',
        CLAIMS_QUEUE: queue,
        CLAIM_RETRY_DELAYS_MS: RETRY_DELAYS_MS.join(','),
        CLAIM_OVERDUE_MS: '15000',
      },
    },
  });
  const queues = settings.amqpUrl ? new TestQueues(settings.amqpUrl, queue, RETRY_DELAYS_MS) : undefined;
  try {
    const users = Array.from({ length: settings.clients }, () => randomUUID());
    const initialStock = await prepareShop(system, users);

    const ledger = new Ledger();
    // Through every store instance, as a load balancer in front of them would.
    const stores = system.instances.store.map((instance) => new HttpClient(instance.url));
    const loadUntil = Date.now() + settings.loadMs;
    const clients = users.map(
      (userUid, index) => new ShopClient(index, userUid, stores, random.fork(), ledger),
    );
    const chaos = new Chaos(victims(system, settings), random.fork(), {
      inTurn: settings.chaos?.oneInstanceEach,
      everyMs: settings.chaos?.everyMs,
    });
    chaos.start();
    const load = Promise.all(clients.map((client) => client.run(loadUntil, loadUntil + RETRY_GRACE_MS)));
    await delay(Math.max(0, loadUntil - Date.now()));
    await chaos.stop();
    await load;

    const violations = await untilQuiet(system);
    const exits = await Promise.all(
      system.allProcesses.map(async (instance) => [instance.name, await instance.stop()] as const),
    );
    for (const [name, code] of exits)
      if (code !== 0) violations.push(`${name} exited with ${code} on SIGTERM`);
    violations.push(...checkInvariants(await readSnapshot(system), initialStock, ledger, chaos.kills));

    const report = soakReport(
      {
        minutes: Math.round(settings.loadMs / 600) / 100,
        seed: settings.seed,
        clients: settings.clients,
        engine: system.usesPostgres
          ? `PostgreSQL${settings.amqpUrl ? ' + RabbitMQ' : ''}`
          : 'embedded engines',
        replicas: settings.replicas,
      },
      ledger,
      chaos.kills,
      violations,
      Date.now() - started,
    );
    if (settings.reportFile) {
      writeFileSync(settings.reportFile, report);
      // A broken promise is explained by the services' logs: kept beside the report (CI artifact).
      if (violations.length > 0) {
        const logs = `${settings.reportFile.replace(/\.md$/, '')}-logs`;
        cpSync(join(system.workDir, 'logs'), logs, { recursive: true });
      }
    }
    return { report, violations };
  } finally {
    await system.stop();
    await queues?.deleteAll().catch(() => undefined);
  }
}

/** The soak's customers, and one item made scarce so that buyers compete; returns the stock. */
async function prepareShop(system: TestSystem, users: string[]): Promise<Map<string, number>> {
  await Promise.all([
    system.sqlBatch(
      'store',
      users.map((userUid, index) => ({
        text: 'INSERT INTO users (name, user_uid) VALUES ($1, $2)',
        params: [`soak${index}`, userUid],
      })),
    ),
    system.sql('warehouse', 'UPDATE items SET available_count = $1 WHERE model = $2 AND size = $3', [
      LOW_STOCK,
      LOW_STOCK_ITEM.model,
      LOW_STOCK_ITEM.size,
    ]),
  ]);
  const catalogue = (await system.http('warehouse').get<CatalogueItem[]>(paths.warehouseItems)).body;
  return new Map(catalogue.map((item) => [`${item.model} ${item.size}`, item.availableCount]));
}

function victims(system: TestSystem, settings: SoakSettings): ServiceProcess[] {
  if (settings.chaos?.oneInstanceEach) {
    return SERVICE_NAMES.map((service: ServiceName) => {
      const instances = system.instances[service];
      return instances[instances.length - 1];
    });
  }
  return system.allProcesses;
}
