import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, ServiceProcess, SYSTEM_TIMEOUT_MS } from '../support';

/** What a service may hold with its embedded database (the benchmark's budget, docs/benchmarks.md). */
const EMBEDDED_BUDGET_BYTES = 250_000_000;
/** A first start runs initdb itself, on a machine busy with other suites; below the test's time-out. */
const FIRST_START_TIMEOUT_MS = SYSTEM_TIMEOUT_MS - 60_000;

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!kib) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(kib[1]) * 1024;
}

/**
 * The embedded default's footprint on a newcomer's first `npm start`: PGlite's initdb grows its
 * WebAssembly memory to ~550 MB, which must not stay with the service (the cluster is created by
 * a short-lived child process, libs/database/src/embedded-cluster.ts; before, a first start held
 * 415–430 MiB). Always on the embedded engine and its own initdb (no template copy), whatever the
 * other suites run on; V8's default heap settings, as `node dist/apps/<service>/main.js` has.
 */
describe('embedded database: a first start on a new data directory', () => {
  let workDir: string;
  let warranty: ServiceProcess;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'store-e2e-footprint-'));
    const [port] = await freePorts(1);
    warranty = new ServiceProcess({
      service: 'warranty',
      port,
      workDir,
      env: { DATABASE_URL: undefined, AMQP_URL: undefined },
      startTimeoutMs: FIRST_START_TIMEOUT_MS,
    });
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await warranty?.kill();
    if (workDir && !process.env.E2E_KEEP_TMP) await rm(workDir, { recursive: true, force: true });
  });

  it(
    'holds less than the budget once ready: initdb’s memory is not the service’s',
    async () => {
      await warranty.start();
      expect(readFileSync(join(workDir, 'data', 'warranty', 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
      expect(residentBytes(warranty.pid as number)).toBeLessThan(EMBEDDED_BUDGET_BYTES);
    },
    SYSTEM_TIMEOUT_MS,
  );
});
