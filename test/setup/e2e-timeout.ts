import { SYSTEM_TIMEOUT_MS } from '../support/test-system';

/**
 * The e2e default time-out of a test or hook. Its own waits are bounded (a service's restart
 * 65 s, an embedded SQL script 60 s, a saga 45 s, a claim's decision 30 s, `eventually` 15 s, a
 * server command 60 s), and on a slow machine the one that overruns must fail with its own
 * message, not with jest's: this is above the sum of any one test's bounds (the longest, a
 * claim's test with three restarts, about 265 s). Tests that may wait longer say so.
 */
jest.setTimeout(SYSTEM_TIMEOUT_MS);
