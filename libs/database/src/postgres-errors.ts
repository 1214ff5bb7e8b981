import { QueryFailedError } from 'typeorm';

function sqlStateOf(error: unknown): string | undefined {
  return error instanceof QueryFailedError
    ? (error.driverError as { code?: string } | undefined)?.code
    : undefined;
}

/** SQLSTATE 23505: a row with the same unique key exists already. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505';
}

/** SQLSTATE 23514: a CHECK constraint refused the row (e.g. a count that would go negative). */
export function isCheckViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23514';
}
