/**
 * Jest timeout for a hook or test that starts a system or restarts services, and the e2e
 * project's default (its e2e and integration specs; test/setup/e2e-timeout.ts): four Node
 * processes and their databases are CPU-bound, and a shared 2-core machine under load can take
 * minutes — the first start on a fresh machine also builds the embedded databases' template
 * (initdb, up to 120 s). A module of its own, so that the setup file loads nothing else.
 */
export const SYSTEM_TIMEOUT_MS = 300_000;
