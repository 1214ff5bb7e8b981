import { createHash } from 'node:crypto';
import { type EntityManager, QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isStalePreparedStatement } from './database-errors';

/** A statement as node-postgres takes it: with a name, the server parses and plans it once per connection. */
export interface StatementConfig {
  name?: string;
  text: string;
  values: unknown[];
}

/** What queryRows needs of a connection: node-postgres' client, or the embedded engine's look-alike. */
interface StatementClient {
  query(statement: StatementConfig): Promise<{ rows: unknown[] }>;
  /** node-postgres': 'I' outside a transaction ('T' in one, 'E' in a failed one). */
  getTransactionStatus?(): string;
}

/**
 * Distinct statement texts prepared per process (and so per connection at most): the services'
 * hand-written statements are constants, far fewer; should a text ever be built per call, the
 * texts past this bound run unprepared rather than fill every connection with statements.
 */
export const MAX_PREPARED_STATEMENTS = 256;

/** Each prepared text's name: a hash of it, and a generation once it had to be prepared anew. */
const statementNames = new Map<string, string>();
let generations = 0;

function baseName(sql: string): string {
  return `q_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
}

/** One name per text on every connection (node-postgres refuses one name for two texts). */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED_STATEMENTS) {
    name = baseName(sql);
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * The server refused the statement prepared under `staleName`: every connection prepares the
 * text again under a new name on its next use of it — a migration has made it stale on all of
 * them, not only on the one that met it first. (The stale statement stays on each connection,
 * unused, until the connection closes: one per text and migration.)
 */
function prepareAnew(sql: string, staleName: string): void {
  if (statementNames.get(sql) === staleName) statementNames.set(sql, `${baseName(sql)}_${++generations}`);
}

/**
 * Runs hand-written SQL (a conditional update, a CTE, a hot read) and returns its rows, in the
 * manager's transaction if it has one. Each text with parameters is a named prepared statement:
 * the server parses and plans it on a connection's first use only, which halves its CPU for the
 * short statements the services make (docs/benchmarks.md, round eleven). The statement goes to the
 * runner's connection directly — TypeORM's `query` sends text only — and its errors are wrapped
 * as TypeORM's are (QueryFailedError), which the error mapping reads.
 *
 * A prepared plan survives most migrations: the server plans it again when a table it reads
 * changes. When the change alters what the statement returns (a `*` over a table that gained a
 * column, a retyped column), the server refuses the old plan: the text is prepared again under a
 * new name — on every connection, as each holds the stale plan — and run again at once outside a
 * transaction. Inside one, the refusal has aborted it: that transaction fails (a 503), and its
 * repeat runs the new name. The services' statements name their columns, so that adding a column
 * changes none of them.
 */
export async function queryRows<T>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    // A released runner's connection is back in the pool, or gone with its session.
    if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const client = (await runner.connect()) as StatementClient;
    const execute = async (name: string | undefined): Promise<T[]> => {
      try {
        const statement =
          name === undefined ? { text: sql, values: params } : { name, text: sql, values: params };
        return (await client.query(statement)).rows as T[];
      } catch (error) {
        throw new QueryFailedError(sql, params, error as Error);
      }
    };
    // Without parameters, the simple protocol as before (a text may hold several statements).
    const name = params.length > 0 ? statementName(sql) : undefined;
    try {
      return await execute(name);
    } catch (error) {
      if (name === undefined || !isStalePreparedStatement(error)) throw error;
      prepareAnew(sql, name);
      // In a transaction (TypeORM's, or one begun by hand), the refusal has aborted it.
      if (runner.isTransactionActive || (client.getTransactionStatus?.() ?? 'I') !== 'I') throw error;
      return await execute(statementName(sql));
    }
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
