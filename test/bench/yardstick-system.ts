import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePorts, ServiceName, within } from '../support';

/** The yardstick's database of each service (see its start.mjs). */
const DATABASE: Record<ServiceName, string> = {
  store: 'limit_store',
  order: 'limit_orders',
  warehouse: 'limit_warehouse',
  warranty: 'limit_warranty',
};

const START_TIMEOUT_MS = 60_000;

/** The direct children of a process (Linux). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * `../shared/yardstick` (node:http + pg, the same hops and tables, nothing else) started by its
 * own `start.mjs` on free ports and freshly recreated `limit_*` databases: what the benchmark
 * measures the services against. `dir` is a copy of it that can resolve `pg`.
 */
export class YardstickSystem {
  private constructor(
    private readonly launcher: ChildProcess,
    private readonly pgBase: string,
    private readonly ports: Record<ServiceName, number>,
  ) {}

  static async start(dir: string, adminDatabaseUrl: string): Promise<YardstickSystem> {
    const pgBase = adminDatabaseUrl.replace(/\/[^/]*$/, '');
    const [warranty, warehouse, order, store] = await freePorts(4);
    const ports: Record<ServiceName, number> = { warranty, warehouse, order, store };
    const launcher = spawn(process.execPath, [join(dir, 'start.mjs')], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        PG_BASE: pgBase,
        STORE_PORT: String(store),
        ORDER_PORT: String(order),
        WAREHOUSE_PORT: String(warehouse),
        WARRANTY_PORT: String(warranty),
      },
    });
    const system = new YardstickSystem(launcher, pgBase, ports);
    // start.mjs prints "limit: all four up" once every service answered its health check.
    const up = new Promise<boolean>((resolve) => {
      let output = '';
      launcher.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('all four up')) resolve(true);
      });
      launcher.once('exit', () => resolve(false));
    });
    if (!(await within(up, START_TIMEOUT_MS))) {
      await system.stop();
      throw new Error(`The yardstick did not start within ${START_TIMEOUT_MS} ms`);
    }
    return system;
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports[service]}`;
  }

  async sql(service: ServiceName, text: string, params?: unknown[]): Promise<unknown[]> {
    const client = new Client({ connectionString: `${this.pgBase}/${DATABASE[service]}` });
    await client.connect();
    try {
      return (await client.query<Record<string, unknown>>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Each service's process: a child of the launcher started with the service's name. */
  pid(service: ServiceName): number | undefined {
    if (this.launcher.pid === undefined) return undefined;
    return childPids(this.launcher.pid).find((pid) => commandLine(pid).trim().endsWith(` ${service}`));
  }

  async stop(): Promise<void> {
    if (this.launcher.exitCode !== null || this.launcher.signalCode !== null) return;
    const exited = new Promise((resolve) => this.launcher.once('exit', resolve));
    this.launcher.kill('SIGTERM');
    await exited;
  }
}
