import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedDatabases,
  expectResponse,
  freePorts,
  HttpClient,
  paths,
  PostgresDatabases,
  ServiceDatabases,
  ServiceProcess,
  SYSTEM_TIMEOUT_MS,
} from '../support';

/**
 * The harness the other e2e tests (and the fault-tolerance tests) stand on: a ServiceProcess
 * really starts, stops, crashes and restarts in place, reports a failed start with its log, and
 * the HTTP helper refuses answers that break the JSON conventions. One warranty process only.
 */
describe('test harness: ServiceProcess and HTTP helper', () => {
  let workDir: string;
  let databases: ServiceDatabases;
  let port: number;
  let warranty: ServiceProcess;
  let http: HttpClient;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'store-e2e-harness-'));
    const adminUrl = process.env.TEST_DATABASE_URL;
    databases = adminUrl ? await PostgresDatabases.create(adminUrl) : await EmbeddedDatabases.create(workDir);
    [port] = await freePorts(1);
    warranty = new ServiceProcess({ service: 'warranty', port, workDir, env: databases.env('warranty') });
    http = new HttpClient(warranty.url);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await warranty?.kill();
    await databases?.dispose();
    if (workDir && !process.env.E2E_KEEP_TMP) await rm(workDir, { recursive: true, force: true });
  });

  it('a start that fails is reported at once, with the exit code and the log', async () => {
    const broken = new ServiceProcess({
      service: 'warranty',
      port,
      workDir,
      env: { HTTP_TIMEOUT_MS: 'soon' },
    });
    const started = Date.now();
    await expect(broken.start()).rejects.toThrow(/exited \(exit code 1\)[\s\S]*HTTP_TIMEOUT_MS/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(broken.running).toBe(false);
  });

  it(
    'start → stop (exit 0) → start → kill (SIGKILL) → start, on the same port and database',
    async () => {
      await warranty.start();
      expect(warranty.running).toBe(true);
      const itemUid = randomUUID();
      expectResponse(await http.post(paths.warranty(itemUid)), 204);

      expect(await warranty.stop()).toBe(0);
      expect(warranty.running).toBe(false);
      await expect(http.get('/manage/health/liveness')).rejects.toThrow(/failed/);

      await warranty.start();
      expect((await http.get(paths.warranty(itemUid))).status).toBe(200);

      expect(await warranty.kill()).toEqual({ code: null, signal: 'SIGKILL' });
      await expect(http.get('/manage/health/liveness')).rejects.toThrow(/failed/);

      expect(await warranty.restart()).toBeNull(); // not running: nothing to stop
      expect((await http.get(paths.warranty(itemUid))).status).toBe(200);
    },
    SYSTEM_TIMEOUT_MS,
  );

  it('the HTTP helper refuses a body that is not application/json', async () => {
    // Swagger UI is HTML: fine for it, but not for a helper that checks the JSON conventions.
    await expect(http.get('/api-docs')).rejects.toThrow(/Content-Type 'text\/html[^']*', the contract says/);
    const html = await http.get('/api-docs', { notJson: true });
    expect(html.status).toBe(200);
  });
});
