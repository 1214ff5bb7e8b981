import { createHash } from 'node:crypto';
import { type EntityManager, QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';

/** A statement as node-postgres takes it: with a name, the server parses and plans it once per connection. */
export interface StatementConfig {
  name?: string;
  text: string;
  values: unknown[];
}

/** What queryRows needs of a connection: node-postgres' client, or the embedded engine's look-alike. */
interface StatementClient {
  query(statement: StatementConfig): Promise<{ rows: unknown[] }>;
}

/**
 * Distinct statement texts prepared per process (and so per connection at most): the services'
 * hand-written statements are constants, far fewer; should a text ever be built per call, the
 * texts past this bound run unprepared rather than fill every connection with statements.
 */
export const MAX_PREPARED_STATEMENTS = 256;

const statementNames = new Map<string, string>();

/** One name per text on every connection (node-postgres refuses one name for two texts). */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_PREPARED_STATEMENTS) {
    name = `q_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    statementNames.set(sql, name);
  }
  return name;
}

/**
 * Runs hand-written SQL (a conditional update, a CTE, a hot read) and returns its rows, in the
 * manager's transaction if it has one. Each text with parameters is a named prepared statement: the server
 * parses and plans it on a connection's first use only, which halves its CPU for the short
 * statements the services make (docs/benchmarks.md, round eleven). The statement goes to the
 * runner's connection directly — TypeORM's `query` sends text only — and its errors are wrapped
 * as TypeORM's are (QueryFailedError), which the error mapping reads.
 *
 * A prepared plan survives migrations: the server plans it again when a table it reads changes;
 * only a change of a selected column's type would fail it ("cached plan must not change result
 * type") until the connection is replaced: the statements name their columns, and the
 * migrations add columns rather than retype them.
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
    // Without parameters, the simple protocol as before (a text may hold several statements).
    const name = params.length > 0 ? statementName(sql) : undefined;
    try {
      const result = await client.query(
        name === undefined ? { text: sql, values: params } : { name, text: sql, values: params },
      );
      return result.rows as T[];
    } catch (error) {
      throw new QueryFailedError(sql, params, error as Error);
    }
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}
