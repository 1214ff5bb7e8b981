import { randomUUID } from 'node:crypto';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CatalogueItem, HttpClient, paths, SERVICE_NAMES, TestQueues, TestSystem } from '../support';
import { Chaos } from './chaos';
import { checkInvariants, readSnapshot, untilQuiet } from './invariants';
import { Ledger } from './ledger';
import { SeededRandom } from './random';
import { soakReport } from './report';
import { LOW_STOCK_ITEM, ShopClient } from './shop-client';

/**
 * The soak (`npm run soak -- --minutes N [--seed S]`, see test/soak/run.js): the four services
 * under a seeded mixed load of customers, with services SIGKILLed and restarted on a seeded
 * schedule; then, once everything is still, the promises of the contract checked across the four
 * databases and against what every client was told.
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? '1');
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? '8');
const LOW_STOCK = 15;
const AMQP_URL = process.env.TEST_AMQP_URL;
/** Retries of a write go on this long after the load stopped (services restart, breakers close). */
const RETRY_GRACE_MS = 120_000;

describe('soak', () => {
  it(`keeps every promise under load and kills (${MINUTES} min, seed ${SEED})`, async () => {
    const started = Date.now();
    const random = new SeededRandom(SEED);
    const queue = `warranty-claims-soak-${randomUUID().slice(0, 8)}`;
    const retryDelays = [500, 1000, 2000, 5000];
    const system = await TestSystem.start({
      env: {
        HTTP_TIMEOUT_MS: '1500',
        BREAKER_HALF_OPEN_AFTER_MS: '1000',
        ...(AMQP_URL ? { AMQP_URL } : {}),
      },
      serviceEnv: {
        // The store waits longer than order's worst case: a failed step and its follow-up.
        store: {
          HTTP_TIMEOUT_MS: '5000',
          CLAIMS_QUEUE: queue,
          CLAIM_RETRY_DELAYS_MS: retryDelays.join(','),
          CLAIM_OVERDUE_MS: '15000',
        },
      },
    });
    const queues = AMQP_URL ? new TestQueues(AMQP_URL, queue, retryDelays) : undefined;
    try {
      const users = Array.from({ length: CLIENTS }, () => randomUUID());
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
      const initialStock = new Map(
        catalogue.map((item) => [`${item.model} ${item.size}`, item.availableCount]),
      );

      const ledger = new Ledger();
      const stores: HttpClient[] = [system.http('store')];
      const loadUntil = Date.now() + MINUTES * 60_000;
      const clients = users.map(
        (userUid, index) => new ShopClient(index, userUid, stores, random.fork(), ledger),
      );
      const chaos = new Chaos(
        SERVICE_NAMES.map((service) => system.services[service]),
        random.fork(),
      );
      chaos.start();
      const load = Promise.all(clients.map((client) => client.run(loadUntil, loadUntil + RETRY_GRACE_MS)));
      await delay(Math.max(0, loadUntil - Date.now()));
      await chaos.stop();
      await load;

      const violations = await untilQuiet(system);
      const exits = await Promise.all(
        SERVICE_NAMES.map(async (service) => [service, await system.services[service].stop()] as const),
      );
      for (const [service, code] of exits)
        if (code !== 0) violations.push(`${service} exited with ${code} on SIGTERM`);
      violations.push(...checkInvariants(await readSnapshot(system), initialStock, ledger, chaos.kills));

      const report = soakReport(
        {
          minutes: MINUTES,
          seed: SEED,
          clients: CLIENTS,
          engine: system.usesPostgres ? `PostgreSQL${AMQP_URL ? ' + RabbitMQ' : ''}` : 'embedded engines',
          replicas: 1,
        },
        ledger,
        chaos.kills,
        violations,
        Date.now() - started,
      );
      process.stdout.write(`\n${report}\n`);
      if (process.env.SOAK_REPORT) {
        writeFileSync(process.env.SOAK_REPORT, report);
        // A broken promise is explained by the services' logs: kept beside the report (CI artifact).
        if (violations.length > 0) {
          cpSync(join(system.workDir, 'logs'), process.env.SOAK_REPORT.replace(/\.md$/, '') + '-logs', {
            recursive: true,
          });
        }
      }
      expect(violations).toEqual([]);
    } finally {
      await system.stop();
      await queues?.deleteAll().catch(() => undefined);
    }
  });
});
