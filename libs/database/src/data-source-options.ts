import { mkdirSync } from 'node:fs';
import type { DataSourceOptions, MixedList } from 'typeorm';
import type { BaseServiceConfig } from '@app/config';
import { PglitePool } from './pglite-pool';

export interface ServiceSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: MixedList<Function>;
}

/** The driver that puts embedded PostgreSQL (PGlite) behind TypeORM's postgres driver. */
const EMBEDDED_DRIVER = { Pool: PglitePool };

/** Whether these options open the embedded engine (one process, one connection) rather than a server. */
export function isEmbedded(options: DataSourceOptions): boolean {
  return 'driver' in options && options.driver === EMBEDDED_DRIVER;
}

/**
 * One set of entities and migrations for both engines: the real PostgreSQL when DATABASE_URL is
 * set, else embedded PostgreSQL (PGlite) on disk under ./data/<service>/. The schema is only
 * ever changed by migrations, run at start-up by openMigratedDataSource (under a lock).
 */
export function dataSourceOptions(config: BaseServiceConfig, schema: ServiceSchema): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: ['migration' as const],
  };
  if (config.DATABASE_URL) {
    return { ...common, url: config.DATABASE_URL, connectTimeoutMS: 5000 };
  }
  mkdirSync(config.embeddedDataDir, { recursive: true });
  return {
    ...common,
    driver: EMBEDDED_DRIVER,
    extra: { dataDir: config.embeddedDataDir },
  };
}
