import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { BaseServiceConfig, loadConfig } from '@app/config';
import { dataSourceOptions, openMigratedDataSource, ServiceSchema } from '@app/database';
import { emptyClusterTemplate } from './databases';

export type Engine = 'embedded' | 'postgres';

export interface EngineUnderTest {
  readonly engine: Engine;
  /** The service's database, migrated and seeded (valid inside the specs). */
  dataSource(): DataSource;
  /** Another connection pool to the same database (PostgreSQL only: PGlite has one session). */
  openAnother(): Promise<DataSource>;
}

const adminUrl = process.env.TEST_DATABASE_URL;

/**
 * Runs the same specs against a service's schema on both engines: the embedded PGlite (a fresh
 * directory, copied from the empty-cluster template) and — when TEST_DATABASE_URL names a
 * server — a fresh database on the real PostgreSQL, dropped afterwards. The data source is
 * opened once per engine; the specs clean what they need between tests.
 */
export function describeOnEachEngine(
  title: string,
  configClass: new () => BaseServiceConfig,
  schema: ServiceSchema,
  specs: (db: EngineUnderTest) => void,
): void {
  describe(`${title} on embedded PGlite`, () => {
    const originalCwd = process.cwd();
    let workDir: string | undefined;
    let dataSource: DataSource | undefined;

    beforeAll(async () => {
      workDir = await mkdtemp(join(tmpdir(), 'int-'));
      const config = loadConfig(configClass, {});
      const template = await emptyClusterTemplate();
      if (template) await cp(template, join(workDir, config.embeddedDataDir), { recursive: true });
      process.chdir(workDir); // the embedded database is ./data/<service>/
      dataSource = await openMigratedDataSource(dataSourceOptions(config, schema));
    });

    afterAll(async () => {
      await dataSource?.destroy();
      process.chdir(originalCwd);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    });

    specs({
      engine: 'embedded',
      dataSource: () => dataSource as DataSource,
      openAnother: () => Promise.reject(new Error('PGlite has a single session')),
    });
  });

  (adminUrl ? describe : describe.skip)(`${title} on the real PostgreSQL`, () => {
    const name = `it_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    let config: BaseServiceConfig;
    const opened: DataSource[] = [];

    async function admin(statement: string): Promise<void> {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(statement);
      } finally {
        await client.end();
      }
    }

    const open = async () => {
      const dataSource = await openMigratedDataSource(dataSourceOptions(config, schema));
      opened.push(dataSource);
      return dataSource;
    };

    beforeAll(async () => {
      await admin(`CREATE DATABASE "${name}"`);
      const url = new URL(adminUrl as string);
      url.pathname = `/${name}`;
      config = loadConfig(configClass, { DATABASE_URL: url.toString() });
      await open();
    });

    afterAll(async () => {
      await Promise.all(opened.map((dataSource) => dataSource.destroy()));
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });

    specs({ engine: 'postgres', dataSource: () => opened[0], openAnother: open });
  });
}
