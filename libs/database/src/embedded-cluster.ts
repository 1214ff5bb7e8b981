import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeError } from '@app/errors';

const run = promisify(execFile);

/** Far above initdb's few seconds on a loaded machine: a child that takes longer is stuck. */
const INITDB_TIMEOUT_MS = 120_000;

/** Where a cluster is built, inside the data directory (so on its file system, mounted or not). */
const BUILDING_PREFIX = '.initdb-';

/** Written last of all: a data directory holds a whole cluster exactly when it has this file. */
const CLUSTER_MARK = 'PG_VERSION';

/** Whether `dataDir` holds an embedded database cluster. */
export function hasCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, CLUSTER_MARK));
}

/** Why the initdb child failed, in a line an operator can act on. */
function reasonOf(error: unknown): string {
  const failed = error as { killed?: boolean; stderr?: string };
  if (failed.killed) return `initdb did not finish within ${INITDB_TIMEOUT_MS / 1000} s`;
  return failed.stderr?.trim() || describeError(error);
}

/**
 * Creates an empty cluster in `dataDir` (PGlite's initdb) in a short-lived child process:
 * initdb grows PGlite's WebAssembly memory to ~550 MB and the process's own malloc heap by
 * ~50 MB, which a process keeps once touched, collected or not — a child's ends with it, so a
 * service's first start costs what every later one does (docs/benchmarks.md, "Round three").
 *
 * The cluster is built in a folder inside `dataDir` and its entries moved up, `PG_VERSION` last,
 * so an interrupted first start leaves nothing a later one would take for a database — the next
 * attempt clears what it left. One creator per data directory, as one service owns it.
 */
export async function createCluster(dataDir: string): Promise<void> {
  const building = join(dataDir, `${BUILDING_PREFIX}${randomBytes(4).toString('hex')}`);
  const pglite = createRequire(__filename).resolve('@electric-sql/pglite');
  const script =
    `const { PGlite } = require(${JSON.stringify(pglite)});` +
    'PGlite.create({ dataDir: process.argv[1] }).then((db) => db.close());';
  // The service's NODE_OPTIONS (a heap size, an inspector that waits) are not the child's.
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  try {
    await mkdir(dataDir, { recursive: true });
    for (const entry of await readdir(dataDir)) {
      if (entry.startsWith(BUILDING_PREFIX)) await rm(join(dataDir, entry), { recursive: true, force: true });
    }
    await run(process.execPath, ['--liftoff-only', '-e', script, '--', building], {
      env,
      timeout: INITDB_TIMEOUT_MS,
    });
    if (!hasCluster(building)) throw new Error('initdb ended without creating a cluster');
    for (const entry of await readdir(building)) {
      if (entry === CLUSTER_MARK) continue;
      await rm(join(dataDir, entry), { recursive: true, force: true }); // an interrupted attempt's
      await rename(join(building, entry), join(dataDir, entry));
    }
    await rename(join(building, CLUSTER_MARK), join(dataDir, CLUSTER_MARK));
  } catch (error) {
    throw new Error(`Could not create the embedded database in ${dataDir}: ${reasonOf(error)}`);
  } finally {
    // Best effort: what went wrong is the error to report, not a failed clean-up after it.
    await rm(building, { recursive: true, force: true }).catch(() => undefined);
  }
}
