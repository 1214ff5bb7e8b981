import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createCluster, hasCluster } from '@app/database';
import { REPO_ROOT, SERVICE_NAMES, ServiceName } from './service-process';

export type Row = Record<string, unknown>;

export interface SqlStatement {
  text: string;
  params?: unknown[];
}

/** The contract's database names (the embedded defaults and the suffixes of the real ones). */
export const DATABASE_SUFFIX: Record<ServiceName, string> = {
  store: 'store',
  order: 'orders',
  warehouse: 'warehouse',
  warranty: 'warranty',
};

/**
 * Rows as plain JSON in both modes: dates become ISO strings and `bigint`s strings. Cast what you
 * compare as a number (`count(*)::int`): PGlite and node-postgres disagree on int8.
 */
function plain(rows: unknown[]): Row[] {
  return JSON.parse(
    JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
  ) as Row[];
}

/** Where the services' databases live and how the tests reach them. */
export interface ServiceDatabases {
  readonly mode: 'embedded' | 'postgres';
  /** The database name the service reports in its health (`db.name`). */
  name(service: ServiceName): string;
  /** What the service gets in its environment (DATABASE_URL, or nothing for the embedded engine). */
  env(service: ServiceName): Record<string, string>;
  /** Runs statements in order, in one session; the service must not hold an embedded database. */
  run(service: ServiceName, statements: SqlStatement[]): Promise<Row[][]>;
  dispose(): Promise<void>;
}

/** Four fresh databases on a real PostgreSQL server, named `e2e_<random>_<suffix>`, dropped at the end. */
export class PostgresDatabases implements ServiceDatabases {
  readonly mode = 'postgres';
  private readonly prefix = `e2e_${randomBytes(4).toString('hex')}`;

  private constructor(private readonly adminUrl: string) {}

  static async create(adminUrl: string): Promise<PostgresDatabases> {
    const databases = new PostgresDatabases(adminUrl);
    await databases.admin(SERVICE_NAMES.map((service) => `CREATE DATABASE "${databases.name(service)}"`));
    return databases;
  }

  name(service: ServiceName): string {
    return `${this.prefix}_${DATABASE_SUFFIX[service]}`;
  }

  url(service: ServiceName): string {
    const url = new URL(this.adminUrl);
    url.pathname = `/${this.name(service)}`;
    return url.toString();
  }

  env(service: ServiceName): Record<string, string> {
    return { DATABASE_URL: this.url(service) };
  }

  async run(service: ServiceName, statements: SqlStatement[]): Promise<Row[][]> {
    const client = new Client({ connectionString: this.url(service) });
    await client.connect();
    try {
      const results: Row[][] = [];
      for (const { text, params } of statements) {
        results.push(plain((await client.query(text, params)).rows));
      }
      return results;
    } finally {
      await client.end();
    }
  }

  /** DROP DATABASE … WITH (FORCE): the service's connections are cut, its database is gone. */
  async drop(service: ServiceName): Promise<void> {
    await this.admin([`DROP DATABASE IF EXISTS "${this.name(service)}" WITH (FORCE)`]);
  }

  async dispose(): Promise<void> {
    await this.admin(
      SERVICE_NAMES.map((service) => `DROP DATABASE IF EXISTS "${this.name(service)}" WITH (FORCE)`),
    );
  }

  private async admin(statements: string[]): Promise<void> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  }
}

/**
 * A script on an embedded database: opening it and a few statements take seconds; past this the
 * child is killed and the test fails with what it printed.
 */
export const EMBEDDED_SQL_TIMEOUT_MS = 60_000;

/** Runs a script in a separate Node process in the repository (for its node_modules). */
function runNode(script: string, input: string, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: EMBEDDED_SQL_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else if (signal === 'SIGKILL' && child.killed)
        reject(new Error(`${what} killed after ${EMBEDDED_SQL_TIMEOUT_MS} ms:\n${stderr}`));
      else reject(new Error(`${what} failed (exit ${code}):\n${stderr}`));
    });
    child.stdin.end(input);
  });
}

/**
 * Opens an embedded database directory with PGlite in a separate Node process, runs the
 * statements and prints the rows. A separate process because PGlite loads its WebAssembly with a
 * dynamic import that Jest's module sandbox refuses without --experimental-vm-modules.
 */
const PGLITE_SQL_SCRIPT = `
const { PGlite } = require('@electric-sql/pglite');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', async () => {
  const { dataDir, statements } = JSON.parse(input);
  const db = await PGlite.create({ dataDir });
  try {
    const results = [];
    for (const { text, params } of statements) results.push((await db.query(text, params || [])).rows);
    process.stdout.write(JSON.stringify(results, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } finally {
    await db.close();
  }
});
`;

/**
 * PGlite's initdb costs several seconds of CPU, four times per system. It is done once per
 * PGlite version into a template directory under the OS temp dir, and every fresh database is a
 * copy of that empty cluster, made by the services' own `createCluster`; its schema
 * and seed data still come from its own migrations at start-up. E2E_PGLITE_TEMPLATE=0 turns this
 * off (each service then runs initdb itself).
 */
export async function emptyClusterTemplate(): Promise<string | undefined> {
  if (process.env.E2E_PGLITE_TEMPLATE === '0') return undefined;
  const packageJson = join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const template = join(tmpdir(), `store-e2e-pglite-${version}-empty-cluster`);
  if (hasCluster(template)) return template;
  const building = `${template}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await createCluster(building);
  try {
    await rename(building, template);
  } catch {
    // A parallel run made it first: use theirs.
    await rm(building, { recursive: true, force: true });
  }
  return template;
}

/** The embedded default: each service's PGlite database under `<workDir>/data/<service>/`. */
export class EmbeddedDatabases implements ServiceDatabases {
  readonly mode = 'embedded';

  private constructor(private readonly workDir: string) {}

  /** Fresh, empty databases for the four services in `<workDir>/data/`. */
  static async create(workDir: string): Promise<EmbeddedDatabases> {
    const databases = new EmbeddedDatabases(workDir);
    const template = await emptyClusterTemplate();
    if (template) {
      await Promise.all(
        SERVICE_NAMES.map((service) => cp(template, databases.dataDir(service), { recursive: true })),
      );
    }
    return databases;
  }

  name(service: ServiceName): string {
    return DATABASE_SUFFIX[service];
  }

  dataDir(service: ServiceName): string {
    return join(this.workDir, 'data', service);
  }

  env(): Record<string, string> {
    return {};
  }

  async run(service: ServiceName, statements: SqlStatement[]): Promise<Row[][]> {
    const output = await runNode(
      PGLITE_SQL_SCRIPT,
      JSON.stringify({ dataDir: this.dataDir(service), statements }),
      `SQL on the embedded ${service} database`,
    );
    return (JSON.parse(output) as unknown[][]).map(plain);
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
