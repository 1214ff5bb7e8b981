import { SYSTEM_TIMEOUT_MS } from '../support/timeouts';

/**
 * The default time-out of a test or hook in the e2e project (its e2e and integration specs). Their
 * waits are bounded (a service's restart 65 s, an embedded SQL script 60 s, a saga 45 s, a claim's
 * decision 30 s, `eventually` 15 s, a server command 60 s), and on a slow machine the one that
 * overruns must fail with its own message, not jest's: this is above what one test's waits add up
 * to on a slow run. Tests whose bounds add up to more give themselves their sum.
 */
jest.setTimeout(SYSTEM_TIMEOUT_MS);
