import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';

/**
 * Each command the tests run against the machine's servers (`rabbitmqctl`, `pg_ctlcluster`, …) is
 * bounded: a hung one fails the test instead of hanging it. RabbitMQ's Erlang command-line tools
 * took 26–32 s a call with both cores kept busy.
 */
export const SERVER_COMMAND_TIMEOUT_MS = 60_000;

/** Opening an AMQP connection, handshake included. */
export const AMQP_CONNECT_TIMEOUT_MS = 5_000;

const execFileAsync = promisify(execFile);

export function runServerCommand(file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(file, args, { timeout: SERVER_COMMAND_TIMEOUT_MS });
}

/** An AMQP connection, or a failure within AMQP_CONNECT_TIMEOUT_MS. */
export function connectAmqp(url: string): Promise<ChannelModel> {
  return connect(url, { timeout: AMQP_CONNECT_TIMEOUT_MS });
}
