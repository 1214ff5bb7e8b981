import { spawn } from 'node:child_process';
import { connect, type ChannelModel } from 'amqplib';
import { within } from './wait';

/**
 * Each command the tests run against the machine's servers (`rabbitmqctl`, `pg_ctlcluster`, …) is
 * bounded: a hung one fails the test instead of hanging it. Above `pg_ctl`'s own 60 s wait for a
 * stop, and RabbitMQ's Erlang command-line tools took 26–32 s a call with both cores kept busy.
 */
export const SERVER_COMMAND_TIMEOUT_MS = 90_000;

/** Opening an AMQP connection, handshake included. */
export const AMQP_CONNECT_TIMEOUT_MS = 5_000;

export interface CommandOutput {
  stdout: string;
  stderr: string;
}

/** A command's failure, with what it printed (callers tell "already running" from real failures). */
export class CommandError extends Error implements CommandOutput {
  constructor(
    message: string,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/**
 * Runs a command; rejects with a CommandError when it fails or outlives SERVER_COMMAND_TIMEOUT_MS.
 * It runs in a process group of its own, killed whole on time-out: Debian's `rabbitmqctl` and
 * `pg_ctlcluster` are wrappers (sh → su → escript, perl → pg_ctl), and killing the wrapper alone
 * would leave the real work going on into the next test.
 */
export function runServerCommand(file: string, args: string[]): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group ended meanwhile.
      }
    }, SERVER_COMMAND_TIMEOUT_MS);
    const command = [file, ...args].join(' ');
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new CommandError(`${command}: ${error.message}`, stdout, stderr));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ stdout, stderr });
      else if (timedOut) {
        reject(new CommandError(`${command}: killed after ${SERVER_COMMAND_TIMEOUT_MS} ms`, stdout, stderr));
      } else reject(new CommandError(`${command}: exit ${code}\n${stderr}`, stdout, stderr));
    });
  });
}

/**
 * An AMQP connection, or a failure within AMQP_CONNECT_TIMEOUT_MS. A broker that goes away under
 * it rejects the calls in flight; its 'error' event must not crash the test's worker as well.
 */
export async function connectAmqp(url: string): Promise<ChannelModel> {
  const connection = await connect(url, { timeout: AMQP_CONNECT_TIMEOUT_MS });
  connection.on('error', () => undefined);
  return connection;
}

/**
 * Whether a broker takes clients: an AMQP connection and a channel open within twice the connect
 * time-out (once open, amqplib bounds nothing until its heartbeat gives up). A check that
 * overruns still closes its connection when it ends.
 */
export async function amqpAnswers(url: string): Promise<boolean> {
  const check = (async () => {
    const connection = await connectAmqp(url);
    try {
      await connection.createChannel();
    } finally {
      await connection.close();
    }
    return true;
  })().catch(() => false);
  return (await within(check, 2 * AMQP_CONNECT_TIMEOUT_MS)) ?? false;
}
