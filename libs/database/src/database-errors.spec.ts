import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { QUERY_READ_TIMEOUT } from './deadline-client';
import { isDatabaseUnavailable, isUniqueViolation } from './database-errors';

const failed = (driverError: Error & { code?: string; routine?: string }) =>
  new QueryFailedError('SELECT 1', [], driverError);
const withCode = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a statement cancelled at its deadline', failed(withCode('57014'))],
    ['a lock not available', failed(withCode('55P03'))],
    ['a session ended idle in its transaction', failed(withCode('25P03'))],
    ['a statement after the server ended its session', new QueryRunnerAlreadyReleasedError()],
    ['a server shutting down', failed(withCode('57P01'))],
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a server that did not answer in time', failed(new Error(QUERY_READ_TIMEOUT))],
    [
      'a prepared statement a migration made stale',
      failed(Object.assign(withCode('0A000'), { routine: 'RevalidateCachedQuery' })),
    ],
    ['a prepared statement the server no longer holds', failed(withCode('26000'))],
  ])('is true for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', failed(withCode('23505'))],
    ['a syntax error', failed(withCode('42601'))],
    [
      'another feature not supported',
      failed(Object.assign(withCode('0A000'), { routine: 'transformLockingClause' })),
    ],
    ['something else', new Error('boom')],
    ['not an error', 'Query read timeout'],
  ])('is false for %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('tells a unique violation by its SQLSTATE', () => {
    expect(isUniqueViolation(failed(withCode('23505')))).toBe(true);
  });
});
