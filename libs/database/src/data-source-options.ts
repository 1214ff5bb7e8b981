import { mkdirSync } from 'node:fs';
import type { DataSourceOptions, MixedList } from 'typeorm';
import type { BaseServiceConfig } from '@app/config';
import { DeadlineClient } from './deadline-client';
import { PglitePool } from './pglite-pool';

export interface ServiceSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: MixedList<Function>;
}

/** The driver that puts embedded PostgreSQL (PGlite) behind TypeORM's postgres driver. */
const EMBEDDED_DRIVER = { Pool: PglitePool };

/** How much longer than a statement may run the service waits for the server's answer at all. */
export const ANSWER_GRACE_MS = 1000;

/**
 * A database call's bounds (node-postgres pool options): the server cancels a statement that runs
 * longer than `statementMs`, and ends a session left idle inside a transaction that long (a
 * frozen instance does not hold its row locks); a server that does not answer at all (frozen,
 * cut off) is given up `ANSWER_GRACE_MS` later, its connection replaced.
 */
function deadlines(statementMs: number) {
  return {
    Client: DeadlineClient,
    statement_timeout: statementMs,
    idle_in_transaction_session_timeout: statementMs,
    query_timeout: statementMs + ANSWER_GRACE_MS,
  };
}

const DEADLINE_OPTIONS = Object.keys(deadlines(1));

/**
 * The same database without the deadlines, for migrations: a long migration runs to its end, and
 * an instance starting beside a migrating twin waits for the migrations' lock as long as it takes.
 */
export function withoutDeadlines(options: DataSourceOptions): DataSourceOptions {
  const extra = { ...(options.extra as Record<string, unknown> | undefined) };
  for (const key of DEADLINE_OPTIONS) delete extra[key];
  return { ...options, extra };
}

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
    return {
      ...common,
      url: config.DATABASE_URL,
      connectTimeoutMS: 5000,
      extra: deadlines(config.DB_STATEMENT_TIMEOUT_MS),
    };
  }
  mkdirSync(config.embeddedDataDir, { recursive: true });
  return {
    ...common,
    driver: EMBEDDED_DRIVER,
    extra: { dataDir: config.embeddedDataDir },
  };
}
