import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { QUERY_READ_TIMEOUT } from './deadline-client';

interface ServerError {
  code?: string;
  routine?: string;
}

function serverErrorOf(error: unknown): ServerError | undefined {
  return error instanceof QueryFailedError ? (error.driverError as ServerError | undefined) : undefined;
}

function sqlStateOf(error: unknown): string | undefined {
  return serverErrorOf(error)?.code;
}

/** SQLSTATE 23505: a row with the same unique key exists already. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505';
}

/** SQLSTATE 23514: a CHECK constraint refused the row (e.g. a count that would go negative). */
export function isCheckViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23514';
}

/**
 * A prepared statement the server does not hold on that connection (26000): node-postgres closes
 * one whose parameters it could not encode, yet counts it as prepared.
 */
export function isMissingPreparedStatement(error: unknown): boolean {
  return sqlStateOf(error) === '26000';
}

/**
 * A prepared statement the server no longer runs: a migration changed what it returns (0A000 as
 * raised by RevalidateCachedQuery, "cached plan must not change result type"; told by the routine,
 * as the message is in the server's locale), or it is missing (26000). queryRows prepares it
 * anew; a transaction it aborted succeeds when repeated.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, routine } = serverErrorOf(error) ?? {};
  return isMissingPreparedStatement(error) || (code === '0A000' && routine === 'RevalidateCachedQuery');
}

/**
 * SQLSTATE classes and codes of a server that is not there for now: 08 connection exceptions,
 * 57P01–57P03 (shutting down, crash, "cannot connect now" while starting), 53300 too many
 * connections, 57014 a statement cancelled at its deadline (statement_timeout), 25P03/25P04 a
 * session ended at its idle-in-transaction or transaction time-out, 55P03 a lock not available
 * (lock_timeout or NOWAIT, which no service sets today).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|53300|57014|55P03|25P0[34])$/;

/** Socket errors of node-postgres when the server is unreachable or dropped the connection. */
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

/** node-postgres' own messages for a connection that is gone or could not be made in time. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error|timeout exceeded when trying to connect|Connection is not established|Cannot use a pool after calling end/i;

/**
 * The service's database is unreachable for now (restarting, shut down, network) or did not
 * answer in time: a 503, not a 500, and a retry after the database is back succeeds. Like any
 * lost answer, a statement the server had already received may still take effect (a COMMIT cut
 * off before its answer): the sagas and the Idempotency-Key make the retry safe. A transaction
 * that met a stale prepared statement is a 503 too: its repeat finds the statement prepared anew.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isStalePreparedStatement(error)) return true;
  // A transaction whose session the server ended: TypeORM released its connection on the error
  // event. (Also what a runner used after its own release throws: no service keeps runners.)
  if (error instanceof QueryRunnerAlreadyReleasedError) return true;
  const driverError = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  if (!(driverError instanceof Error)) return false;
  const { code } = driverError as { code?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code)))
    return true;
  // QUERY_READ_TIMEOUT: the server did not answer in time (DeadlineClient gave it up).
  return driverError.message === QUERY_READ_TIMEOUT || UNAVAILABLE_MESSAGE.test(driverError.message);
}
