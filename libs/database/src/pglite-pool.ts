import { Logger } from '@nestjs/common';
import type { PGlite, Results } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';
import { describeError } from '@app/errors';
import { createCluster, hasCluster } from './embedded-cluster';
import type { StatementConfig } from './query-rows';

/** The subset of a `pg` query result that TypeORM reads. */
interface PgLikeResult {
  rows: unknown[];
  rowCount: number;
  fields: Results['fields'];
}

function toPgResult(results: Results | undefined): PgLikeResult {
  if (!results) return { rows: [], rowCount: 0, fields: [] };
  return {
    rows: results.rows,
    rowCount: results.affectedRows || results.rows.length,
    fields: results.fields,
  };
}

/** A lease of the session was taken back after its time-out: its holder may not use it any more. */
export class LeaseRevokedError extends Error {
  constructor(heldMs: number) {
    super(`The embedded database session was taken back after ${heldMs} ms without release`);
    this.name = LeaseRevokedError.name;
  }
}

/** One lease of the embedded database's single session, shaped like a `pg` client. */
class PgliteClient extends EventEmitter {
  revokedAfterMs?: number;

  constructor(private readonly db: PGlite) {
    super();
  }

  /** As node-postgres': text and parameters, or a statement config (its name unused: PGlite runs in-process). */
  async query(statement: string | StatementConfig, values?: unknown[]): Promise<PgLikeResult> {
    if (this.revokedAfterMs !== undefined) throw new LeaseRevokedError(this.revokedAfterMs);
    const text = typeof statement === 'string' ? statement : statement.text;
    const params = typeof statement === 'string' ? values : statement.values;
    if (params && params.length > 0) return toPgResult(await this.db.query(text, params));
    // Without parameters TypeORM may send several statements (migrations): run them all.
    const results = await this.db.exec(text);
    return toPgResult(results[results.length - 1]);
  }
}

export interface PglitePoolOptions {
  /** Directory holding the database; in memory when absent. */
  dataDir?: string;
  /**
   * The longest a query runner may hold the session. Nothing holds a transaction across a call to
   * another service, so only a bug (a runner never released) gets near it: the session is then
   * rolled back and handed to the next waiter instead of blocking the service for ever.
   */
  leaseTimeoutMs?: number;
}

type ConnectCallback = (error: Error | undefined, client?: PgliteClient, release?: () => void) => void;

interface Waiter {
  grant(db: PGlite): void;
  fail(error: Error): void;
}

/** Far above any statement or transaction of the services, migrations on a busy machine included. */
const DEFAULT_LEASE_TIMEOUT_MS = 60_000;

/**
 * PostgreSQL's memory settings for the embedded engine, sized for one service's small tables
 * rather than a server's: shared_buffers 16 MB instead of 128 MB cuts a service's resident memory
 * by ~110–130 MB (its WebAssembly memory never shrinks once touched), at no measured cost in
 * throughput (docs/benchmarks.md).
 */
const EMBEDDED_MEMORY_SETTINGS = [
  '-c',
  'shared_buffers=16MB',
  '-c',
  'work_mem=1MB',
  '-c',
  'temp_buffers=1MB',
];

/**
 * Opens PGlite. Its WebAssembly is compiled by V8's baseline compiler alone, as every module of a
 * service is (`--liftoff-only`, libs/bootstrap/src/webassembly-baseline.ts): optimizing
 * PostgreSQL's hot functions cost ~80 MiB of resident memory per service at the benchmark's peak,
 * for no throughput it could measure (docs/benchmarks.md, "Round three").
 */
function create(dataDir: string | undefined): Promise<PGlite> {
  // Loaded here, by the embedded engine alone: a service on a PostgreSQL server never holds
  // PGlite's half a megabyte of script.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...EMBEDDED_MEMORY_SETTINGS],
  });
}

/** Opens the embedded database, creating its cluster first on a new data directory. */
async function openEmbedded(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir !== undefined && !hasCluster(dataDir)) await createCluster(dataDir);
  return create(dataDir);
}

/**
 * A `pg.Pool` look-alike over one embedded PGlite database, given to TypeORM's postgres driver.
 *
 * PGlite has a single session, so the pool hands out one lease at a time: a TypeORM query
 * runner holds the session from connect to release, and a transaction of one request can never
 * interleave with statements of another (typeorm-pglite shares the session without such a lease,
 * and keeps one database per process). Waiters are served in order; a health check's ping goes
 * before them, so that a busy service is not reported dead.
 */
export class PglitePool extends EventEmitter {
  private readonly logger = new Logger('EmbeddedDatabase');
  private readonly db: Promise<PGlite>;
  private readonly leaseTimeoutMs: number;
  private readonly waiters: Waiter[] = [];
  private leased = false;

  constructor(options: PglitePoolOptions) {
    super();
    this.leaseTimeoutMs = options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS;
    this.db = openEmbedded(options.dataDir);
    this.db.catch(() => undefined); // reported through connect()
  }

  connect(callback: ConnectCallback): void {
    this.enqueue(
      {
        grant: (db) => {
          const { client, release } = this.lease(db);
          this.deliver(() => callback(undefined, client, release));
        },
        fail: (error) => this.deliver(() => callback(error)),
      },
      false,
    );
  }

  /** `SELECT 1` ahead of every waiting query runner: the health check's probe. */
  ping(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enqueue(
        {
          grant: (db) => {
            db.query('SELECT 1')
              .then(
                () => resolve(),
                (error: Error) => reject(error),
              )
              .finally(() => this.next());
          },
          fail: reject,
        },
        true,
      );
    });
  }

  end(callback?: (error?: Error) => void): void {
    this.db
      .then((db) => db.close())
      .then(
        () => callback?.(),
        (error: Error) => callback?.(error),
      );
  }

  private enqueue(waiter: Waiter, first: boolean): void {
    if (first) this.waiters.unshift(waiter);
    else this.waiters.push(waiter);
    if (!this.leased) this.next();
  }

  /** Hands the session to the next waiter, if any. */
  private next(): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.leased = false;
      return;
    }
    this.leased = true;
    this.db.then(
      (db) => waiter.grant(db),
      (error: Error) => {
        waiter.fail(error);
        this.next();
      },
    );
  }

  private lease(db: PGlite): { client: PgliteClient; release: () => void } {
    const client = new PgliteClient(db);
    const leasedAt = Date.now();
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      clearTimeout(timer);
      this.next();
    };
    const timer = setTimeout(() => {
      if (released) return;
      client.revokedAfterMs = Date.now() - leasedAt;
      this.logger.error(
        `A query runner held the session for ${client.revokedAfterMs} ms: rolled back and taken back`,
      );
      // Whatever it left open must not leak into the next holder's statements.
      db.query('ROLLBACK')
        .catch(() => undefined)
        .finally(release);
    }, this.leaseTimeoutMs);
    timer.unref();
    return { client, release };
  }

  /** A callback that throws must not become an unhandled rejection nor stall the queue. */
  private deliver(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.logger.error(`Connect callback threw: ${describeError(error)}`);
    }
  }
}
