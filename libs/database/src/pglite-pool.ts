import { PGlite, type Results } from '@electric-sql/pglite';
import { EventEmitter } from 'node:events';

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

/** One lease of the embedded database's single session, shaped like a `pg` client. */
class PgliteClient extends EventEmitter {
  constructor(private readonly db: PGlite) {
    super();
  }

  async query(text: string, params?: unknown[]): Promise<PgLikeResult> {
    if (params && params.length > 0) return toPgResult(await this.db.query(text, params));
    // Without parameters TypeORM may send several statements (migrations): run them all.
    const results = await this.db.exec(text);
    return toPgResult(results[results.length - 1]);
  }
}

export interface PglitePoolOptions {
  /** Directory holding the database; in memory when absent. */
  dataDir?: string;
}

type ConnectCallback = (error: Error | undefined, client?: PgliteClient, release?: () => void) => void;

/**
 * A `pg.Pool` look-alike over one embedded PGlite database, given to TypeORM's postgres driver.
 *
 * PGlite has a single session, so the pool hands out one lease at a time: a TypeORM query
 * runner holds the session from connect to release, and a transaction of one request can never
 * interleave with statements of another (typeorm-pglite shares the session without such a lease,
 * and keeps one database per process).
 */
export class PglitePool extends EventEmitter {
  private readonly db: Promise<PGlite>;
  private lastLease: Promise<void> = Promise.resolve();

  constructor(options: PglitePoolOptions) {
    super();
    this.db = PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
    this.db.catch(() => undefined); // reported through connect()
  }

  connect(callback: ConnectCallback): void {
    let release!: () => void;
    const previous = this.lastLease;
    this.lastLease = new Promise<void>((resolve) => (release = resolve));
    previous
      .then(() => this.db)
      .then(
        (db) => callback(undefined, new PgliteClient(db), release),
        (error: Error) => {
          release();
          callback(error);
        },
      );
  }

  end(callback?: (error?: Error) => void): void {
    this.db
      .then((db) => db.close())
      .then(
        () => callback?.(),
        (error: Error) => callback?.(error),
      );
  }
}
