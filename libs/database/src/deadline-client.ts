import { Client } from 'pg';

/** node-postgres' error when `query_timeout` passed without the server's answer. */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * A node-postgres client that gives up on its connection when the server has not answered a
 * query within `query_timeout`. node-postgres rejects such a query but keeps the connection
 * waiting for that answer, so every later query on it would queue behind a server that may never
 * answer (frozen, or cut off by the network); ending it lets the pool open a fresh one. A
 * server that is alive cancels a slow statement itself first (statement_timeout, set shorter).
 */
export class DeadlineClient extends Client {
  // node-postgres' query has a dozen overloads (promise, callback, submittable): wrapped as one,
  // its result typed `never` only so that it is assignable to every overload's.
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, ...rest: unknown[]) => {
        this.abandonIfTimedOut(error);
        return (last as (...callbackArgs: unknown[]) => unknown)(error, ...rest);
      };
    }
    const result = (super.query as (...queryArgs: unknown[]) => unknown)(...args);
    if (result instanceof Promise) result.catch((error: unknown) => this.abandonIfTimedOut(error));
    return result as never;
  }

  /**
   * Ends the connection at once (node-postgres destroys the socket of a client that ends with a
   * query unanswered), before the query's caller hands the client back: the pool then drops it.
   */
  private abandonIfTimedOut(error: unknown): void {
    if (error instanceof Error && error.message === QUERY_READ_TIMEOUT) this.end().catch(() => undefined);
  }
}
