import { mkdtempSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BaseServiceConfig, loadConfig } from '@app/config';
import { dataSourceOptions, openMigratedDataSource, queryRows, ServiceSchema } from '@app/database';
import { orderSchema } from '../../apps/order/src/database/schema';
import { OrderConfig } from '../../apps/order/src/order.config';
import { storeSchema } from '../../apps/store/src/database/schema';
import { StoreConfig } from '../../apps/store/src/store.config';
import { warehouseSchema } from '../../apps/warehouse/src/database/schema';
import { WarehouseConfig } from '../../apps/warehouse/src/warehouse.config';
import { warrantySchema } from '../../apps/warranty/src/database/schema';
import { WarrantyConfig } from '../../apps/warranty/src/warranty.config';
import { emptyClusterTemplate } from '../support';

/**
 * One set of migrations serves both engines: each service's schema is created and seeded on the
 * embedded PGlite and (when TEST_DATABASE_URL names a server) on the real PostgreSQL, running
 * the migrations a second time changes nothing, and instances starting together on an empty
 * database migrate and seed it once (the advisory lock).
 */
const adminUrl = process.env.TEST_DATABASE_URL;

interface ServiceCase {
  name: string;
  config: new () => BaseServiceConfig;
  schema: ServiceSchema;
  tables: string[];
  seedCounts: Record<string, number>;
}

const services: ServiceCase[] = [
  {
    name: 'store',
    config: StoreConfig,
    schema: storeSchema,
    tables: ['users', 'warranty_claim', 'idempotency_record'],
    seedCounts: { users: 1, warranty_claim: 0, idempotency_record: 0 },
  },
  {
    name: 'order',
    config: OrderConfig,
    schema: orderSchema,
    tables: ['orders', 'order_saga'],
    seedCounts: { orders: 0, order_saga: 0 },
  },
  {
    name: 'warehouse',
    config: WarehouseConfig,
    schema: warehouseSchema,
    tables: ['items', 'order_item'],
    seedCounts: { items: 3, order_item: 0 },
  },
  {
    name: 'warranty',
    config: WarrantyConfig,
    schema: warrantySchema,
    tables: ['warranty', 'warranty_claim_decision'],
    seedCounts: { warranty: 0, warranty_claim_decision: 0 },
  },
];

async function count(dataSource: DataSource, table: string): Promise<number> {
  const [row] = await queryRows<{ count: string | number }>(
    dataSource.manager,
    `SELECT count(*) AS count FROM ${table}`,
  );
  return Number(row.count);
}

/** Each migration recorded once, every table holding just its seed rows. */
async function expectMigratedOnce(dataSource: DataSource, service: ServiceCase) {
  const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations ORDER BY id');
  expect(applied).toHaveLength(service.schema.migrations.length as number);
  expect(new Set(applied.map((migration) => migration.name)).size).toBe(applied.length);
  for (const table of service.tables) {
    expect(await count(dataSource, table)).toBe(service.seedCounts[table]);
  }
}

async function migrateTwice(options: ReturnType<typeof dataSourceOptions>, service: ServiceCase) {
  const first = await openMigratedDataSource(options);
  await expectMigratedOnce(first, service);
  await first.destroy();

  const second = await openMigratedDataSource(options);
  expect(await second.runMigrations()).toEqual([]);
  for (const table of service.tables) {
    expect(await count(second, table)).toBe(service.seedCounts[table]);
  }
  return second;
}

describe('migrations on embedded PGlite', () => {
  const originalCwd = process.cwd();
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'migrations-'));
    process.chdir(workDir);
  });

  afterAll(() => {
    process.chdir(originalCwd);
    rmSync(workDir, { recursive: true, force: true });
  });

  it.each(services)('creates and seeds the $name schema idempotently on disk', async (service) => {
    const config = loadConfig(service.config, {});
    // An empty cluster, as PGlite's initdb would make it (copied: initdb costs seconds).
    const template = await emptyClusterTemplate();
    if (template) await cp(template, join(workDir, config.embeddedDataDir), { recursive: true });
    const dataSource = await migrateTwice(dataSourceOptions(config, service.schema), service);
    await dataSource.destroy();
  });
});

(adminUrl ? describe : describe.skip)('migrations on the real PostgreSQL', () => {
  const databaseName = `it_migrations_${process.pid}_${Date.now()}`;
  let admin: Client;

  /** A fresh database for one case, dropped afterwards; the test gets its service's config. */
  async function withDatabase(
    suffix: string,
    service: ServiceCase,
    use: (config: BaseServiceConfig) => Promise<void>,
  ) {
    const name = `${databaseName}_${suffix}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(adminUrl as string);
      url.pathname = `/${name}`;
      const config = loadConfig(service.config, { DATABASE_URL: url.toString() });
      expect(config.databaseName).toBe(name);
      await use(config);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  }

  beforeAll(async () => {
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.end();
  });

  it.each(services)('creates and seeds the $name schema idempotently', async (service) => {
    await withDatabase(service.name, service, async (config) => {
      const dataSource = await migrateTwice(dataSourceOptions(config, service.schema), service);
      await dataSource.destroy();
    });
  });

  it.each(services)(
    'migrates and seeds the $name schema once when four instances start together',
    async (service) => {
      await withDatabase(`${service.name}_together`, service, async (config) => {
        const instances = await Promise.allSettled(
          Array.from({ length: 4 }, () => openMigratedDataSource(dataSourceOptions(config, service.schema))),
        );
        const opened = instances.flatMap((instance) =>
          instance.status === 'fulfilled' ? [instance.value] : [],
        );
        try {
          // Without the lock they collide on the migrations table or the first CREATE TABLE.
          expect(instances.filter((instance) => instance.status === 'rejected')).toEqual([]);
          await expectMigratedOnce(opened[0], service);
        } finally {
          await Promise.all(opened.map((dataSource) => dataSource.destroy()));
        }
      });
    },
  );
});
