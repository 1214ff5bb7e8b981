import { createHash } from 'node:crypto';
import { type EntityManager, QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isMissingPreparedStatement, isStalePreparedStatement } from './database-errors';

/** A statement as node-postgres takes it: with a name, the server parses and plans it once per connection. */
export interface StatementConfig {
  name?: string;
  text: string;
  values: unknown[];
}

/** What queryRows needs of a connection: node-postgres' client, or the embedded engine's look-alike. */
interface StatementClient {
  query(statement: StatementConfig): Promise<{ rows: unknown[] }>;
  /**
   * node-postgres': 'I' outside a transaction ('T' in one, begun by TypeORM or by hand; 'E' in a
   * failed one). The embedded engine's client has none: it never refuses a prepared statement.
   */
  getTransactionStatus?(): string | null;
}

/**
 * Distinct statement texts prepared per process: the services' hand-written statements are
 * constants, far fewer; should a text ever be built per call, the texts past this bound run
 * unprepared rather than fill every connection with statements. (A connection also keeps, unused,
 * each statement the server refused on it, until it closes.)
 */
export const MAX_PREPARED_STATEMENTS = 256;

/** Each prepared text's name on every connection: a hash of it; a new one after a stale plan. */
const statementNames = new Map<string, string>();
/** Per connection, texts prepared under a name of its own (their statement went missing there). */
const connectionNames = new WeakMap<StatementClient, Map<string, string>>();
let renames = 0;

function baseName(sql: string): string {
  return `q_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
}

function freshName(sql: string): string {
  return `${baseName(sql)}_${++renames}`;
}

/** The text's name on this connection (node-postgres refuses one name for two texts). */
function statementName(client: StatementClient, sql: string): string | undefined {
  let name = connectionNames.get(client)?.get(sql) ?? statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED_STATEMENTS) {
    name = baseName(sql);
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * The server refused the statement prepared on `client` under `staleName`; the text is prepared
 * again under a new name on next use. A plan a migration made stale is stale on every connection
 * that holds it: the text is renamed for all of them, so that each meets the refusal once at
 * most, not on every call. A statement gone missing (or a name of the connection's own) is
 * renamed on this connection only.
 */
function prepareAnew(client: StatementClient, sql: string, staleName: string, error: unknown): void {
  const ownNames = connectionNames.get(client);
  if (isMissingPreparedStatement(error) || ownNames?.get(sql) === staleName) {
    connectionNames.set(client, (ownNames ?? new Map<string, string>()).set(sql, freshName(sql)));
  } else if (statementNames.get(sql) === staleName) {
    // Not when another connection has renamed it since this call began.
    statementNames.set(sql, freshName(sql));
  }
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
 * new name — on every connection, as each holds the stale plan (`prepareAnew`) — and run again
 * at once outside a transaction. Inside one, the refusal has aborted it: that transaction fails
 * (a 503), and its repeat runs the new name. The services' statements name their columns, so that
 * adding a column changes none of them.
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
    const name = params.length > 0 ? statementName(client, sql) : undefined;
    try {
      return await execute(name);
    } catch (error) {
      if (name === undefined || !isStalePreparedStatement(error)) throw error;
      prepareAnew(client, sql, name, error);
      // Run again outside a transaction only: inside one, the refusal has aborted it.
      if (client.getTransactionStatus?.() !== 'I') throw error;
      return await execute(statementName(client, sql));
    }
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
