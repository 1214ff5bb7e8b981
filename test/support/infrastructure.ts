import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { amqpAnswers, runServerCommand as run, SERVER_COMMAND_TIMEOUT_MS } from './server-commands';
import { eventually } from './wait';

/**
 * The machine's own PostgreSQL and RabbitMQ servers, stopped and started for real by the tests
 * of infrastructure restarts (CONTRACT.md, "Fault tolerance" 6). Every test that stops one starts
 * it again in a `finally`, whatever happened; the start is idempotent.
 */
const SERVER_START_TIMEOUT_MS = 90_000;
/** After `rabbitmqctl stop` returns, until the node's Erlang VM is gone and its name free again. */
const SERVER_GONE_TIMEOUT_MS = 30_000;
const AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/**
 * The most a server's stop and start may take together: the stop command and the wait until the
 * old server is gone, a look and the start command, then the wait until it answers. A test that
 * restarts a server budgets this much for it (RabbitMQ took 33–48 s to take connections again
 * with the two cores kept busy).
 */
export const SERVER_RESTART_TIMEOUT_MS =
  3 * SERVER_COMMAND_TIMEOUT_MS + SERVER_GONE_TIMEOUT_MS + SERVER_START_TIMEOUT_MS;

function postgresVersion(): string {
  return readdirSync('/etc/postgresql')[0];
}

async function postgresCluster(action: 'start' | 'stop'): Promise<void> {
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', postgresVersion(), 'main', action]).catch(
    (error: { stdout?: string; stderr?: string }) => {
      // Starting a running cluster or stopping a stopped one is not a failure here.
      if (!/already running|is not running/i.test(`${error.stdout ?? ''} ${error.stderr ?? ''}`)) throw error;
    },
  );
}

export async function postgresIsReady(): Promise<boolean> {
  return run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).then(
    () => true,
    () => false,
  );
}

export async function stopPostgres(): Promise<void> {
  await postgresCluster('stop');
}

export async function startPostgres(): Promise<void> {
  if (await postgresIsReady()) return;
  await postgresCluster('start');
  await eventually(async () => expect(await postgresIsReady()).toBe(true), {
    timeoutMs: SERVER_START_TIMEOUT_MS,
    intervalMs: 250,
  });
}

/** The postmaster of the cluster `pg_ctlcluster` starts and stops, or undefined when it is down. */
async function postmasterPid(): Promise<number | undefined> {
  // Ver Cluster Port Status Owner Data-directory Log-file
  const { stdout } = await run('pg_lsclusters', ['--no-header', postgresVersion(), 'main']);
  const [, , , status, , dataDir] = stdout.trim().split(/\s+/);
  const pidFile = join(dataDir, 'postmaster.pid');
  if (status !== 'online' || !existsSync(pidFile)) return undefined;
  return Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
}

/** The processes the postmaster started (backends, checkpointer, walwriter…). */
async function postgresChildren(postmaster: number): Promise<number[]> {
  const { stdout } = await run('pgrep', ['-P', String(postmaster)]).catch(() => ({ stdout: '' }));
  return stdout.split(/\s+/).filter(Boolean).map(Number);
}

/** Signals a process that may have ended since it was listed (a backend whose client left). */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Freezes PostgreSQL (SIGSTOP): the kernel still accepts its connections and takes what clients
 * send, nothing answers — a hung server, or one cut off by the network. The postmaster first, so
 * that it starts no process after its children are listed.
 */
export async function freezePostgres(): Promise<void> {
  const postmaster = await postmasterPid();
  if (postmaster === undefined) throw new Error('PostgreSQL is not running: nothing to freeze');
  signal(postmaster, 'SIGSTOP');
  for (const pid of await postgresChildren(postmaster)) signal(pid, 'SIGSTOP');
}

/** Lets every process of the cluster run again; harmless when none is frozen or it is stopped. */
export async function thawPostgres(): Promise<void> {
  const postmaster = await postmasterPid();
  if (postmaster === undefined) return;
  for (const pid of await postgresChildren(postmaster)) signal(pid, 'SIGCONT');
  signal(postmaster, 'SIGCONT');
}

/**
 * The broker takes clients: an AMQP connection and a channel open. Asked over AMQP rather than
 * with `rabbitmq-diagnostics check_running`, whose command-line tool can take longer than the
 * broker's start on a busy machine; what the services need is a connection.
 */
export function rabbitIsUp(): Promise<boolean> {
  return amqpAnswers(AMQP_URL);
}

/**
 * Whether RabbitMQ's Erlang node runs (its application may be stopped): it is registered with
 * epmd, a small C program, unlike the Erlang command-line tools.
 */
async function rabbitNodeRuns(): Promise<boolean> {
  const { stdout } = await run('epmd', ['-names']).catch(() => ({ stdout: '' }));
  return /^name rabbit at port/m.test(stdout);
}

/** `rabbitmqctl stop_app`: the node stays, the broker application (and every connection) goes. */
export async function stopRabbitApp(): Promise<void> {
  await run('rabbitmqctl', ['stop_app']);
}

export async function startRabbitApp(): Promise<void> {
  await run('rabbitmqctl', ['start_app']);
  await untilRabbitIsUp();
}

/**
 * The whole server stops (`rabbitmqctl stop`): its quorum queues survive on disk. Returns once
 * its Erlang VM is gone: `rabbitmqctl stop` may return while it still holds the node's name, and
 * a server started then would die of the clash.
 */
export async function stopRabbitServer(): Promise<void> {
  await run('rabbitmqctl', ['stop']);
  await eventually(async () => expect(await rabbitNodeRuns()).toBe(false), {
    timeoutMs: SERVER_GONE_TIMEOUT_MS,
    intervalMs: 250,
  });
}

export async function startRabbitServer(): Promise<void> {
  if (!(await rabbitNodeRuns())) {
    await run('rabbitmq-server', ['-detached']).catch(() => undefined); // already starting: fine
  }
  await untilRabbitIsUp();
}

/** Starts whatever of the broker is down: the server, else the application. */
export async function ensureRabbitIsUp(): Promise<void> {
  if (await rabbitIsUp()) return;
  if (await rabbitNodeRuns()) await startRabbitApp();
  else await startRabbitServer();
}

async function untilRabbitIsUp(): Promise<void> {
  await eventually(async () => expect(await rabbitIsUp()).toBe(true), {
    timeoutMs: SERVER_START_TIMEOUT_MS,
    intervalMs: 500,
  });
}
