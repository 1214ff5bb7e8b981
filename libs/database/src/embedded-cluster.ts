import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeError } from '@app/errors';

const run = promisify(execFile);

/** Far above initdb's few seconds on a loaded machine: a child that takes longer is stuck. */
const INITDB_TIMEOUT_MS = 120_000;

/** Whether `dataDir` holds an embedded database cluster. */
export function hasCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates an empty cluster in `dataDir` (PGlite's initdb) in a short-lived child process:
 * initdb grows PGlite's WebAssembly memory to ~550 MB and the process's own malloc heap by
 * ~50 MB, which a process keeps once touched, collected or not — a child's ends with it, so a
 * service's first start costs what every later one does (docs/benchmarks.md, "Round three").
 * The cluster is made beside `dataDir` and renamed into place, so an interrupted first start
 * leaves nothing a later one would take for a database. Another process that made it first wins.
 */
export async function createCluster(dataDir: string): Promise<void> {
  const building = `${dataDir}.initdb-${process.pid}-${randomBytes(4).toString('hex')}`;
  const pglite = createRequire(__filename).resolve('@electric-sql/pglite');
  const script =
    `const { PGlite } = require(${JSON.stringify(pglite)});` +
    'PGlite.create({ dataDir: process.argv[1] }).then((db) => db.close());';
  // The service's NODE_OPTIONS (a heap size, an inspector that waits) are not the child's.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    await run(process.execPath, ['--liftoff-only', '-e', script, '--', building], {
      env,
      timeout: INITDB_TIMEOUT_MS,
    });
    await rename(building, dataDir);
  } catch (error) {
    // Best effort: what went wrong is the error to report, not a failed clean-up after it.
    await rm(building, { recursive: true, force: true }).catch(() => undefined);
    if (hasCluster(dataDir)) return;
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `Could not create the embedded database in ${dataDir}: ${stderr || describeError(error)}`,
    );
  }
}
