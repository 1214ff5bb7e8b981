import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabases, PostgresDatabases, Row, ServiceDatabases, SqlStatement } from './databases';
import { FaultProxy } from './fault-proxy';
import { HttpClient } from './http';
import { freePorts } from './ports';
import { SERVICE_NAMES, ServiceName, ServiceProcess } from './service-process';

/**
 * Jest timeout for a hook or test that starts a system or restarts services: four Node processes
 * and their databases are CPU-bound, and a shared 2-core machine under load can take minutes.
 */
export const SYSTEM_TIMEOUT_MS = 180_000;

export interface TestSystemOptions {
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Extra environment per service (wins over `env`), e.g. a short breaker pause for one caller. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Services to put behind a FaultProxy: their callers reach them through it, so that a test can
   * hold, refuse or lose the answer of chosen requests (`system.proxy(service)`).
   */
  faultProxies?: ServiceName[];
  /**
   * Admin URL of a real PostgreSQL server (default: env TEST_DATABASE_URL). When set, each
   * service gets a fresh database of its own there; otherwise the embedded default.
   */
  adminDatabaseUrl?: string;
}

/**
 * The four services as real processes on free ports, each with a fresh database, wired to one
 * another, in a temporary working directory (logs in `<workDir>/logs/`, embedded databases in
 * `<workDir>/data/`). Set E2E_KEEP_TMP=1 to keep that directory after the run.
 */
export class TestSystem {
  private constructor(
    readonly workDir: string,
    readonly services: Record<ServiceName, ServiceProcess>,
    readonly databases: ServiceDatabases,
    private readonly proxies: Partial<Record<ServiceName, FaultProxy>>,
  ) {}

  static async start(options: TestSystemOptions = {}): Promise<TestSystem> {
    const adminUrl = options.adminDatabaseUrl ?? process.env.TEST_DATABASE_URL;
    const workDir = await mkdtemp(join(tmpdir(), 'store-e2e-'));
    const databases = adminUrl
      ? await PostgresDatabases.create(adminUrl)
      : await EmbeddedDatabases.create(workDir);
    const [warranty, warehouse, order, store] = await freePorts(4);
    const ports: Record<ServiceName, number> = { warranty, warehouse, order, store };
    const proxies: Partial<Record<ServiceName, FaultProxy>> = {};
    for (const service of options.faultProxies ?? [])
      proxies[service] = await FaultProxy.start(ports[service]);
    // What a service's callers are given: its proxy, if it has one.
    const url = (service: ServiceName) => proxies[service]?.url ?? `http://127.0.0.1:${ports[service]}`;
    const services = Object.fromEntries(
      SERVICE_NAMES.map((service) => [
        service,
        new ServiceProcess({
          service,
          port: ports[service],
          workDir,
          env: {
            ORDER_SERVICE_URL: url('order'),
            WAREHOUSE_SERVICE_URL: url('warehouse'),
            WARRANTY_SERVICE_URL: url('warranty'),
            ...databases.env(service),
            ...options.env,
            ...options.serviceEnv?.[service],
          },
        }),
      ]),
    ) as Record<ServiceName, ServiceProcess>;
    const system = new TestSystem(workDir, services, databases, proxies);
    try {
      await Promise.all(SERVICE_NAMES.map((service) => services[service].start()));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  get usesPostgres(): boolean {
    return this.databases.mode === 'postgres';
  }

  url(service: ServiceName): string {
    return this.services[service].url;
  }

  /** The FaultProxy in front of a service (see `faultProxies`). */
  proxy(service: ServiceName): FaultProxy {
    const proxy = this.proxies[service];
    if (!proxy)
      throw new Error(`${service} has no fault proxy: start the system with faultProxies: ['${service}']`);
    return proxy;
  }

  http(service: ServiceName): HttpClient {
    return new HttpClient(this.url(service));
  }

  /** The database name the service reports in its health. */
  databaseName(service: ServiceName): string {
    return this.databases.name(service);
  }

  /** Runs one statement on the service's own database and returns its rows (see `sqlBatch`). */
  async sql<T extends Row = Row>(service: ServiceName, text: string, params?: unknown[]): Promise<T[]> {
    const [rows] = await this.sqlBatch(service, [{ text, params }]);
    return rows as T[];
  }

  /**
   * Runs statements in order on the service's own database. With real PostgreSQL it simply
   * connects. The embedded engine is single-process: the service is stopped (it must exit 0),
   * the statements run on its data directory, and the service is started again — several
   * seconds, so batch the statements. A service that is not running is left stopped.
   */
  async sqlBatch(service: ServiceName, statements: SqlStatement[]): Promise<Row[][]> {
    if (this.databases.mode === 'postgres') return this.databases.run(service, statements);
    const target = this.services[service];
    const wasRunning = target.running;
    if (wasRunning) {
      const code = await target.stop();
      if (code !== 0) throw target.failure(`exited with ${code} on SIGTERM before SQL on its database`);
    }
    try {
      return await this.databases.run(service, statements);
    } finally {
      if (wasRunning) await target.start();
    }
  }

  /** Real PostgreSQL only: DROP DATABASE … WITH (FORCE) under the running service. */
  async dropDatabase(service: ServiceName): Promise<void> {
    if (!(this.databases instanceof PostgresDatabases)) {
      throw new Error('dropDatabase needs a real PostgreSQL server (TEST_DATABASE_URL)');
    }
    await this.databases.drop(service);
  }

  /** Stops every service (SIGTERM, SIGKILL if stuck), drops the databases, removes the work dir. */
  async stop(): Promise<void> {
    await Promise.all(
      SERVICE_NAMES.map((service) =>
        this.services[service].stop().catch(() => this.services[service].kill()),
      ),
    );
    await Promise.all(Object.values(this.proxies).map((proxy) => proxy.close()));
    await this.databases.dispose();
    if (!process.env.E2E_KEEP_TMP) await rm(this.workDir, { recursive: true, force: true });
  }
}
