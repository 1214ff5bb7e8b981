import { Logger } from '@nestjs/common';
import { describeError } from '@app/errors';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { isEmbedded, withoutDeadlines } from './data-source-options';

/**
 * Key of the session-level advisory lock the migrations run under (advisory locks are per
 * database, so one key serves every service). Any 64-bit number no other code uses.
 */
export const MIGRATIONS_LOCK_KEY = 7_364_117_220_260_001n;

const logger = new Logger('Migrations');

/**
 * Runs the pending migrations (schema and seeds) once however many instances start together:
 * each takes the database's migrations lock first, so a twin waits, then finds nothing to do.
 * TypeORM takes no lock itself: two instances on an empty database race to create the same
 * tables ("duplicate key value violates unique constraint pg_type_typname_nsp_index").
 * The lock is a session lock on a connection of its own (the migrations use others); it goes
 * with that connection if the process dies. The embedded engine needs none: one process owns
 * its data directory, and its pool has a single connection.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  if (isEmbedded(dataSource.options)) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    const [{ locked }] = (await lockHolder.query('SELECT pg_try_advisory_lock($1) AS locked', [
      MIGRATIONS_LOCK_KEY.toString(),
    ])) as { locked: boolean }[];
    if (!locked) {
      logger.log('Another instance is migrating this database: waiting for it');
      await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_KEY.toString()]);
    }
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      // A failed unlock (the connection broke) must not hide the migrations' own error; the
      // lock goes with the connection anyway.
      await lockHolder
        .query('SELECT pg_advisory_unlock($1)', [MIGRATIONS_LOCK_KEY.toString()])
        .catch((error: unknown) =>
          logger.warn(`Could not release the migrations lock: ${describeError(error)}`),
        );
    }
  } finally {
    await lockHolder.release();
  }
}

/**
 * A service's data source, connected, with its schema migrated: how every service opens its
 * database. On a server the migrations run through connections of their own, without the
 * statements' deadlines (closed before the service's pool opens); the embedded engine has one.
 */
export async function openMigratedDataSource(options: DataSourceOptions): Promise<DataSource> {
  if (isEmbedded(options)) return migrated(await new DataSource(options).initialize());
  await (await migrated(await new DataSource(withoutDeadlines(options)).initialize())).destroy();
  return new DataSource(options).initialize();
}

async function migrated(dataSource: DataSource): Promise<DataSource> {
  try {
    await runMigrationsExclusively(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
