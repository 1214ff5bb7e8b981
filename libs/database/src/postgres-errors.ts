import { QueryFailedError } from 'typeorm';

/** SQLSTATE 23505: a row with the same unique key exists already. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    error instanceof QueryFailedError &&
    (error.driverError as { code?: string } | undefined)?.code === '23505'
  );
}
