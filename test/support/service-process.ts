import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { delay, within } from './wait';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export type ServiceName = 'store' | 'order' | 'warehouse' | 'warranty';

/** Callees first (the order of start-up and of per-service test tables). */
export const SERVICE_NAMES: readonly ServiceName[] = ['warranty', 'warehouse', 'order', 'store'];

/**
 * The services' variables (the contract's, and OpenTelemetry's we set): never inherited from the
 * developer's shell by a test's services, only set explicitly.
 */
export const CONTRACT_VARIABLES: readonly string[] = [
  'PORT',
  'DATABASE_URL',
  'AMQP_URL',
  'ORDER_SERVICE_URL',
  'WAREHOUSE_SERVICE_URL',
  'WARRANTY_SERVICE_URL',
  'HTTP_TIMEOUT_MS',
  'BREAKER_THRESHOLD',
  'BREAKER_HALF_OPEN_AFTER_MS',
  'WARRANTY_PERIOD_DAYS',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_SERVICE_NAME',
];

const LIVENESS_PATH = '/manage/health/liveness';
const POLL_MS = 100;
const DEFAULT_START_TIMEOUT_MS = 45_000;
/** Longer than the services' own shutdown grace (15 s), so a stuck shutdown shows as such. */
const STOP_TIMEOUT_MS = 20_000;
/** The most a `restart()` (or a kill and a `start()`) with the default start time-out may take. */
export const SERVICE_RESTART_TIMEOUT_MS = STOP_TIMEOUT_MS + DEFAULT_START_TIMEOUT_MS;

export interface ServiceProcessOptions {
  service: ServiceName;
  /** Names one of several instances of the service (its log file, messages); default the service. */
  name?: string;
  port: number;
  /** The process's cwd: the embedded database lands in `<workDir>/data/<service>/`. */
  workDir: string;
  /** Set on top of the inherited environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** The build to run (default this checkout's `dist/`): a benchmark compares another revision's. */
  distDir?: string;
  /** Node's own options before the script, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A watchdog process that SIGKILLs the services when the test process dies without stopping them
 * (a crash, a SIGKILL, Ctrl-C): it learns their pids on its stdin and acts when that pipe closes.
 * An 'exit' handler cannot do this in Jest, whose tests see a sandboxed copy of `process`.
 */
const REAPER_SCRIPT = `
const pids = new Set();
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (buffer + chunk).split('\\n');
  buffer = lines.pop();
  for (const line of lines) {
    const pid = Number(line);
    if (pid > 0) pids.add(pid);
    else if (pid < 0) pids.delete(-pid);
  }
});
process.stdin.on('end', () => {
  for (const pid of pids) {
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
  process.exit(0);
});
`;

class Reaper {
  private process?: ChildProcess;
  private readonly watched = new Set<number>();

  watch(pid: number): void {
    if (!this.process) {
      this.process = spawn(process.execPath, ['-e', REAPER_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'] });
      // Neither the watchdog nor its pipe may keep the test process alive.
      this.process.unref();
      (this.process.stdin as Socket).unref();
    }
    this.watched.add(pid);
    this.process.stdin?.write(`${pid}\n`);
  }

  unwatch(pid: number): void {
    if (!this.watched.delete(pid) || !this.process) return;
    if (this.watched.size > 0) {
      this.process.stdin?.write(`-${pid}\n`);
    } else {
      this.process.stdin?.end(`-${pid}\n`); // nothing left to guard: let it exit
      this.process = undefined;
    }
  }
}

const reaper = new Reaper();

function describeExit({ code, signal }: ExitStatus): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

/**
 * One service as a real OS process: `node dist/apps/<service>/main.js` on a fixed port and
 * database, so that it can be stopped (SIGTERM), killed (SIGKILL) and started again in place.
 * Its stdout and stderr go to `<workDir>/logs/<service>.log` (appended across restarts).
 */
export class ServiceProcess {
  readonly service: ServiceName;
  /** The service, or which instance of it (`order-2`) when it has replicas. */
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly workDir: string;
  readonly logFile: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly nodeArgs: string[];
  private readonly startTimeoutMs: number;
  private readonly distDir: string;
  private child?: ChildProcess;
  private exited?: Promise<ExitStatus>;
  private lastExit?: ExitStatus;

  constructor(options: ServiceProcessOptions) {
    this.service = options.service;
    this.name = options.name ?? options.service;
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
    this.workDir = options.workDir;
    this.logFile = join(options.workDir, 'logs', `${this.name}.log`);
    this.startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    this.distDir = options.distDir ?? join(REPO_ROOT, 'dist');
    this.nodeArgs = options.nodeArgs ?? [];
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of CONTRACT_VARIABLES) delete env[name];
    for (const [name, value] of Object.entries({ ...options.env, PORT: String(options.port) })) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    this.env = env;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the last run ended (undefined while the first run lasts). */
  get lastExitStatus(): ExitStatus | undefined {
    return this.lastExit;
  }

  /** Spawns the process and resolves once `GET /manage/health/liveness` answers 200. */
  async start(): Promise<void> {
    if (this.child) throw new Error(`${this.name} is already running (pid ${this.child.pid})`);
    const main = join(this.distDir, 'apps', this.service, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npm run build\` first`);
    mkdirSync(dirname(this.logFile), { recursive: true });
    const log = openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      writeSync(log, `\n----- ${new Date().toISOString()} starting ${this.name} on port ${this.port}\n`);
      child = spawn(process.execPath, [...this.nodeArgs, main], {
        cwd: this.workDir,
        env: this.env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    if (child.pid !== undefined) reaper.watch(child.pid);
    this.child = child;
    this.exited = new Promise<ExitStatus>((resolve) => {
      const settle = (status: ExitStatus) => {
        if (child.pid !== undefined) reaper.unwatch(child.pid);
        if (this.child === child) this.child = undefined;
        this.lastExit = status;
        resolve(status);
      };
      child.once('exit', (code, signal) => settle({ code, signal }));
      child.once('error', () => settle({ code: null, signal: null }));
    });
    await this.waitUntilLive(child);
  }

  /** SIGTERM, then waits for the exit; returns the exit code (the contract says 0). */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || !this.exited) return null;
    child.kill('SIGTERM');
    const status = await within(this.exited, STOP_TIMEOUT_MS);
    if (!status) {
      child.kill('SIGKILL');
      await this.exited;
      throw this.failure(`did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM (killed)`);
    }
    return status.code;
  }

  /** SIGKILL: dies at once, no cleanup — a crash. */
  async kill(): Promise<ExitStatus | undefined> {
    const child = this.child;
    if (!child || !this.exited) return undefined;
    child.kill('SIGKILL');
    return this.exited;
  }

  /** stop() then start() on the same port and database; returns the exit code of the stop. */
  async restart(): Promise<number | null> {
    const code = await this.stop();
    await this.start();
    return code;
  }

  /** The last lines of the log, for error messages. */
  logTail(lines = 60): string {
    const all = this.logLines();
    return all.length === 0 ? '(no log)' : all.slice(-lines).join('\n');
  }

  /**
   * The log's last warnings and errors, the lines that mark each start, and whatever the process
   * wrote that is not a log line (a crash's stack, Node's own warnings): what explains a failed
   * test once the log file is gone (CI).
   */
  problemLines(lines = 40): string[] {
    return this.logLines()
      .filter((line) => !line.startsWith('{') || /"level":"(warn|error|fatal)"/.test(line))
      .slice(-lines);
  }

  /**
   * The log's JSON lines (the services' structured log), parsed, across restarts; a line still
   * being written is left out.
   */
  jsonLogLines(): Record<string, unknown>[] {
    return this.logLines().flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** The log's non-empty lines, across restarts; none before the first start. */
  private logLines(): string[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  }

  failure(message: string): Error {
    return new Error(
      `${this.name} (port ${this.port}) ${message}\n----- last lines of ${this.logFile}:\n${this.logTail()}`,
    );
  }

  private async waitUntilLive(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (;;) {
      if (this.child !== child) {
        const how = this.lastExit ? describeExit(this.lastExit) : 'unknown reason';
        throw this.failure(`exited (${how}) before ${LIVENESS_PATH} answered 200`);
      }
      try {
        const response = await fetch(`${this.url}${LIVENESS_PATH}`, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() >= deadline) {
        await this.kill();
        throw this.failure(`did not answer ${LIVENESS_PATH} with 200 within ${this.startTimeoutMs} ms`);
      }
      await delay(POLL_MS);
    }
  }
}
