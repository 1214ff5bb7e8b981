import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabases, PostgresDatabases, Row, ServiceDatabases, SqlStatement } from './databases';
import { FaultProxy } from './fault-proxy';
import { HttpClient } from './http';
import { freePorts } from './ports';
import { SERVICE_NAMES, ServiceName, ServiceProcess } from './service-process';
import { TcpProxy } from './tcp-proxy';

export { SYSTEM_TIMEOUT_MS } from './timeouts';

export interface TestSystemOptions {
  /** Extra environment for every service. */
  env?: Record<string, string>;
  /** Extra environment per service (wins over `env`), e.g. a short breaker pause for one caller. */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Node's own options per service (e.g. `--cpu-prof` for a benchmark's profile). */
  nodeArgs?: Partial<Record<ServiceName, string[]>>;
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
  /**
   * Instances of each service (default 1). With more, they share the service's database (real
   * PostgreSQL only: an embedded database belongs to one process) and a round-robin TCP proxy
   * in front of them is the service's address, as a Kubernetes Service would be: callers and
   * `http(service)` go through it; `instances[service]` are the processes.
   */
  replicas?: number;
  /** The build the services run from (default this checkout's `dist/`). */
  distDir?: string;
}

/**
 * The four services as real processes on free ports, each with a fresh database, wired to one
 * another, in a temporary working directory (logs in `<workDir>/logs/`, embedded databases in
 * `<workDir>/data/`). Set E2E_KEEP_TMP=1 to keep that directory after the run.
 */
export class TestSystem {
  /** Each service's first (or only) instance. */
  readonly services: Record<ServiceName, ServiceProcess>;

  private constructor(
    readonly workDir: string,
    /** Each service's instances (one unless `replicas` was given). */
    readonly instances: Record<ServiceName, ServiceProcess[]>,
    /** Where each service is reached: its only instance, or the balancer in front of them. */
    private readonly addresses: Record<ServiceName, string>,
    readonly databases: ServiceDatabases,
    private readonly proxies: Partial<Record<ServiceName, FaultProxy>>,
    private readonly balancers: TcpProxy[],
  ) {
    this.services = Object.fromEntries(
      SERVICE_NAMES.map((service) => [service, instances[service][0]]),
    ) as Record<ServiceName, ServiceProcess>;
  }

  static async start(options: TestSystemOptions = {}): Promise<TestSystem> {
    const replicas = options.replicas ?? 1;
    const adminUrl = options.adminDatabaseUrl ?? process.env.TEST_DATABASE_URL;
    if (replicas > 1 && !adminUrl)
      throw new Error('Replicas need a real PostgreSQL server (TEST_DATABASE_URL)');
    if (replicas > 1 && options.faultProxies?.length)
      throw new Error('Replicas and fault proxies do not mix');
    const workDir = await mkdtemp(join(tmpdir(), 'store-e2e-'));
    const databases = adminUrl
      ? await PostgresDatabases.create(adminUrl)
      : await EmbeddedDatabases.create(workDir);
    // Per service: its address, then its instances' own ports when it has several.
    const perService = replicas > 1 ? 1 + replicas : 1;
    const allPorts = await freePorts(SERVICE_NAMES.length * perService);
    const portsOf = (service: ServiceName) => {
      const first = SERVICE_NAMES.indexOf(service) * perService;
      return allPorts.slice(first, first + perService);
    };
    const proxies: Partial<Record<ServiceName, FaultProxy>> = {};
    const balancers: TcpProxy[] = [];
    try {
      for (const service of options.faultProxies ?? [])
        proxies[service] = await FaultProxy.start(portsOf(service)[0]);
      if (replicas > 1) {
        for (const service of SERVICE_NAMES) {
          const [address, ...instancePorts] = portsOf(service);
          const balancer = new TcpProxy(
            instancePorts.map((port) => ({ host: '127.0.0.1', port })),
            address,
          );
          balancers.push(balancer);
          await balancer.open();
        }
      }
    } catch (error) {
      // A port taken since it was found free: leave nothing behind.
      await Promise.all([
        ...Object.values(proxies).map((proxy) => proxy.close()),
        ...balancers.map((balancer) => balancer.cut()),
      ]);
      await databases.dispose();
      await rm(workDir, { recursive: true, force: true });
      throw error;
    }
    // What a service's callers are given: its proxy, if it has one, or its balancer's address.
    const url = (service: ServiceName) => proxies[service]?.url ?? `http://127.0.0.1:${portsOf(service)[0]}`;
    const instances = Object.fromEntries(
      SERVICE_NAMES.map((service) => {
        const ports = replicas > 1 ? portsOf(service).slice(1) : portsOf(service);
        return [
          service,
          ports.map(
            (port, index) =>
              new ServiceProcess({
                service,
                name: replicas > 1 ? `${service}-${index + 1}` : service,
                port,
                workDir,
                distDir: options.distDir,
                nodeArgs: options.nodeArgs?.[service],
                env: {
                  ORDER_SERVICE_URL: url('order'),
                  WAREHOUSE_SERVICE_URL: url('warehouse'),
                  WARRANTY_SERVICE_URL: url('warranty'),
                  ...databases.env(service),
                  ...options.env,
                  ...options.serviceEnv?.[service],
                },
              }),
          ),
        ];
      }),
    ) as Record<ServiceName, ServiceProcess[]>;
    const addresses = Object.fromEntries(
      SERVICE_NAMES.map((service) => [service, `http://127.0.0.1:${portsOf(service)[0]}`]),
    ) as Record<ServiceName, string>;
    const system = new TestSystem(workDir, instances, addresses, databases, proxies, balancers);
    try {
      // Every instance at the same moment, as a deployment's pods start: migrations race.
      await Promise.all(system.allProcesses.map((instance) => instance.start()));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  /** Every process of the system: each instance of each service. */
  get allProcesses(): ServiceProcess[] {
    return SERVICE_NAMES.flatMap((service) => this.instances[service]);
  }

  get usesPostgres(): boolean {
    return this.databases.mode === 'postgres';
  }

  url(service: ServiceName): string {
    return this.addresses[service];
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

  /** Each process's last warnings and errors, for a failed test's output. */
  private problemReport(): string {
    const sections = this.allProcesses.map((instance) => {
      const lines = instance.problemLines();
      return `----- ${instance.name} (port ${instance.port}), warnings and errors:\n${lines.join('\n') || '(none)'}`;
    });
    return ['A test of this file failed; what the services logged:', ...sections].join('\n');
  }

  /** Real PostgreSQL only: DROP DATABASE … WITH (FORCE) under the running service. */
  async dropDatabase(service: ServiceName): Promise<void> {
    if (!(this.databases instanceof PostgresDatabases)) {
      throw new Error('dropDatabase needs a real PostgreSQL server (TEST_DATABASE_URL)');
    }
    await this.databases.drop(service);
  }

  /**
   * Stops every service (SIGTERM, SIGKILL if stuck), drops the databases, removes the work dir.
   * After a failed test of the file, prints the services' warnings and errors once they stopped.
   */
  async stop(): Promise<void> {
    await Promise.all(this.allProcesses.map((instance) => instance.stop().catch(() => instance.kill())));
    // Read once they have stopped: their last buffered lines are written by then.
    if (failedTestsOfThisFile() > 0) console.log(this.problemReport());
    await Promise.all(Object.values(this.proxies).map((proxy) => proxy.close()));
    await Promise.all(this.balancers.map((balancer) => balancer.cut()));
    await this.databases.dispose();
    if (!process.env.E2E_KEEP_TMP) await rm(this.workDir, { recursive: true, force: true });
  }
}

/** Counted by the e2e project's environment (test/setup/e2e-environment.js). */
function failedTestsOfThisFile(): number {
  return (globalThis as { __e2eFailures?: number }).__e2eFailures ?? 0;
}
