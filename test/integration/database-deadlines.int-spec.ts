import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { loadConfig } from '@app/config';
import {
  ANSWER_GRACE_MS,
  dataSourceOptions,
  isDatabaseUnavailable,
  MIGRATIONS_LOCK_KEY,
  openMigratedDataSource,
  QUERY_READ_TIMEOUT,
} from '@app/database';
import { warehouseSchema } from '../../apps/warehouse/src/database/schema';
import { WarehouseConfig } from '../../apps/warehouse/src/warehouse.config';
import { eventually, within } from '../support';

/**
 * A database call is bounded on a real PostgreSQL server (DB_STATEMENT_TIMEOUT_MS): the server
 * cancels a statement past its deadline and ends a session left idle inside a transaction (its
 * row locks go with it); a server that does not answer at all — its backend frozen with SIGSTOP
 * — is given up ANSWER_GRACE_MS later and the connection replaced, so the queries after it are
 * served; the migrations wait for their lock as long as it takes. Real server only: the
 * embedded engine runs inside the service.
 */
const adminUrl = process.env.TEST_DATABASE_URL;
/** Freezing a backend needs the server on this machine (its process ids are ours to signal). */
const serverIsLocal = !!adminUrl && ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(adminUrl).hostname);
/** Long enough that TypeORM's own start-up statements never meet it on a busy machine. */
const STATEMENT_MS = 1000;
/** What an unanswered query may take before the service gives up on it. */
const GIVEN_UP_WITHIN_MS = STATEMENT_MS + ANSWER_GRACE_MS;
/** More than the pool's connections (node-postgres' default 10): every one of them is used. */
const MORE_THAN_THE_POOL = 25;

const errorOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the query to fail');
    },
    (error: unknown) => error,
  );

const sqlStateOf = (error: unknown): unknown =>
  error instanceof QueryFailedError ? (error.driverError as { code?: unknown }).code : undefined;

(adminUrl ? describe : describe.skip)('database deadlines on the real PostgreSQL', () => {
  const name = `it_deadlines_${process.pid}_${Date.now()}`;
  let admin: Client;
  let databaseUrl: string;
  let dataSource: DataSource;

  const config = () =>
    loadConfig(WarehouseConfig, {
      DATABASE_URL: databaseUrl,
      DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS),
    });

  async function backendPid(runner: ReturnType<DataSource['createQueryRunner']>): Promise<number> {
    const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
    return pid;
  }

  async function sessionGone(pid: number): Promise<void> {
    await eventually(
      async () => {
        const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
        expect(rows).toEqual([]);
      },
      { timeoutMs: 10 * GIVEN_UP_WITHIN_MS },
    );
  }

  beforeAll(async () => {
    admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(adminUrl as string);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dataSource = await openMigratedDataSource(dataSourceOptions(config(), warehouseSchema));
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.end();
  });

  it('has a statement that runs past its deadline cancelled by the server: unavailable, nothing kept', async () => {
    const error = await errorOf(
      dataSource.query(
        `UPDATE items SET available_count = available_count + 1
          WHERE model = 'Lego 8070' AND pg_sleep(60) IS NOT NULL`,
      ),
    );
    expect(sqlStateOf(error)).toBe('57014'); // query_canceled: statement timeout
    expect(isDatabaseUnavailable(error)).toBe(true);
    const [{ count }] = await dataSource.query<{ count: number }[]>(
      `SELECT available_count AS count FROM items WHERE model = 'Lego 8070'`,
    );
    expect(count).toBe(10000);
  });

  (serverIsLocal ? it : it.skip)(
    'gives up on a backend that does not answer, and serves every query after it on other connections',
    async () => {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      const pid = await backendPid(runner);
      // The server's process id must be one of this machine's (not a container's).
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('postgres');
      process.kill(pid, 'SIGSTOP'); // the server accepts the query and never answers it
      try {
        const started = Date.now();
        // Bounded here too: without the deadline the test fails with this message, not jest's.
        const error = await within(errorOf(runner.query('SELECT 1')), 10 * GIVEN_UP_WITHIN_MS);
        if (error === undefined) throw new Error('The query to a frozen backend was never given up');
        await runner.release(); // as after every query of the services: its connection back to the pool
        expect(error).toBeInstanceOf(QueryFailedError);
        expect((error as Error).message).toBe(QUERY_READ_TIMEOUT);
        expect(isDatabaseUnavailable(error)).toBe(true);
        // It waited the statement's deadline and the grace (a live server cancels first).
        expect(Date.now() - started).toBeGreaterThanOrEqual(GIVEN_UP_WITHIN_MS - 50);

        // Still frozen: were that connection back in the pool, one of these would wait on it.
        const pids = await Promise.all(
          Array.from({ length: MORE_THAN_THE_POOL }, () =>
            dataSource.query('SELECT pg_backend_pid() AS pid').then((rows: { pid: number }[]) => rows[0].pid),
          ),
        );
        expect(pids).not.toContain(pid);
      } finally {
        process.kill(pid, 'SIGCONT');
        if (!runner.isReleased) await runner.release();
      }
      await sessionGone(pid); // its client closed the connection: the backend ends once it runs
    },
  );

  it('ends a session left idle inside a transaction, and its row lock with it', async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    const pid = await backendPid(runner);
    try {
      // In one round trip: a pause between the two on a busy machine is not idle time.
      await runner.query(`BEGIN; SELECT 1 FROM items WHERE model = 'Lego 8880' FOR UPDATE`);
      // The instance holding it stops here (frozen, or lost): the server ends the session.
      await sessionGone(pid);
      const [updated] = await dataSource.query<[unknown[], number]>(
        `UPDATE items SET available_count = available_count WHERE model = 'Lego 8880' RETURNING 1`,
      );
      expect(updated.length).toBeGreaterThan(0);
    } finally {
      await runner.release();
    }
  });

  it('lets an instance wait for the migrations lock longer than any deadline', async () => {
    const holder = new Client({ connectionString: databaseUrl });
    await holder.connect();
    let twin: Promise<DataSource> | undefined;
    try {
      // Another instance migrating the same database holds the lock.
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATIONS_LOCK_KEY.toString()]);
      twin = openMigratedDataSource(dataSourceOptions(config(), warehouseSchema));
      twin.catch(() => undefined); // awaited below
      // The twin's wait, as the server sees it, outlasts what a deadline would allow.
      await eventually(
        async () => {
          const { rows } = await admin.query<{ ms: number }>(
            `SELECT extract(epoch FROM now() - query_start) * 1000 AS ms FROM pg_stat_activity
              WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE '%pg_advisory_lock%'`,
            [name],
          );
          expect(rows.length).toBe(1);
          expect(Number(rows[0].ms)).toBeGreaterThan(GIVEN_UP_WITHIN_MS);
        },
        { timeoutMs: 10 * GIVEN_UP_WITHIN_MS },
      );
    } finally {
      await holder.end(); // the lock goes with its session
    }
    const opened = await twin;
    await opened.destroy();
  });
});
