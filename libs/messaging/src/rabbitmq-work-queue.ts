import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { connect, type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, Message } from 'amqplib';
import { describeError } from '@app/errors';
import { propagationHeaders } from '@app/request-context';
import { RetrySchedule } from '@app/scheduling';
import { declareTopology, QueueTopology, retryTierAfter } from './queue-topology';
import { Job, LocalJobSource, QueueHealth, WorkQueue } from './work-queue';

/** Heartbeats find a dead connection within seconds; a lost connection is retried every second. */
export const AMQP_HEARTBEAT_SECONDS = 5;
export const AMQP_RECONNECT_SECONDS = 1;
const DEFAULT_PUBLISH_TIMEOUT_MS = 5000;

export interface RabbitMqWorkQueueOptions {
  url: string;
  topology: QueueTopology;
  schedule: RetrySchedule;
  /** The Nest event pattern the consumer's @EventPattern handler listens to. */
  pattern: string;
  /** The message is `{pattern, data: {[payloadKey]: jobId}}` (Nest's RMQ packet). */
  payloadKey: string;
  /** Shown by RabbitMQ (`rabbitmqctl list_connections client_properties`). */
  connectionName: string;
  publishTimeoutMs?: number;
}

/** The options of amqp-connection-manager's connection, shared by the publisher and the consumer. */
export function connectionOptions(connectionName: string) {
  return {
    heartbeatIntervalInSeconds: AMQP_HEARTBEAT_SECONDS,
    reconnectTimeInSeconds: AMQP_RECONNECT_SECONDS,
    connectionOptions: { clientProperties: { connection_name: connectionName } },
  };
}

/**
 * Publishes jobs to RabbitMQ: persistent messages on a confirm channel, so a publish resolves only
 * once the broker has taken responsibility for the message. The connection (amqp-connection-
 * manager) reconnects on its own and re-declares the topology each time. While it is down,
 * publishing fails at once instead of queueing in memory: the caller's outbox row stays
 * unpublished and its relay publishes it later, so nothing lives only in this process.
 *
 * Messages are `mandatory`: one the broker cannot route (its queue was deleted under us) comes
 * back, and the topology is declared again and the message sent once more.
 */
export class RabbitMqWorkQueue extends WorkQueue implements OnApplicationShutdown {
  readonly type = 'rabbitmq' as const;
  private readonly logger = new Logger('RabbitMqQueue');
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private lastError?: string;
  private wasConnected = false;
  private closing = false;

  constructor(private readonly options: RabbitMqWorkQueueOptions) {
    super();
    this.connection = connect([options.url], connectionOptions(options.connectionName));
    this.connection.on('connect', () => {
      this.wasConnected = true;
      this.lastError = undefined;
      this.logger.log(`Connected to RabbitMQ (${options.connectionName})`);
    });
    this.connection.on('disconnect', ({ err }: { err: Error }) => {
      this.lastError = err.message;
      if (!this.closing) this.logger.warn(`Disconnected from RabbitMQ: ${err.message}; reconnecting`);
    });
    this.connection.on('connectFailed', ({ err }: { err: Error }) => {
      if (this.lastError === undefined || this.wasConnected) {
        this.logger.warn(
          `Cannot connect to RabbitMQ: ${err.message}; retrying every ${AMQP_RECONNECT_SECONDS} s`,
        );
      }
      this.wasConnected = false;
      this.lastError = err.message;
    });
    this.channel = this.connection.createChannel({
      name: `${options.topology.main} publisher`,
      confirm: true,
      json: false,
      publishTimeout: options.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS,
      setup: (channel: ConfirmChannel) => this.setUp(channel),
    });
    this.channel.on('error', (error: Error) => this.logger.error(`RabbitMQ channel error: ${error.message}`));
  }

  publish(job: Job): Promise<void> {
    return this.send(this.options.topology.main, job);
  }

  scheduleRetry(job: Job): Promise<void> {
    return this.send(retryTierAfter(this.options.topology, this.options.schedule, job.attempt).queue, job);
  }

  /** Empties the dead-letter queue and fills it with one message per dead job. */
  async rebuildDeadLetters(jobIds: string[]): Promise<void> {
    this.assertConnected();
    await this.channel.purgeQueue(this.options.topology.dead);
    for (const id of jobIds) await this.send(this.options.topology.dead, { id, attempt: 0 });
  }

  health(): QueueHealth {
    if (this.connection.isConnected()) return { up: true, type: this.type };
    const reason = this.lastError ? `: ${this.lastError}` : '';
    return { up: false, type: this.type, error: `RabbitMQ connection is down${reason}` };
  }

  attachLocalWorker(_source: LocalJobSource): void {
    // Consumed by the service's RMQ microservice, not in-process.
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.channel.close();
    await this.connection.close();
  }

  private async setUp(channel: ConfirmChannel): Promise<void> {
    await declareTopology(channel, this.options.topology);
    channel.on('return', (message: Message) => void this.resend(channel, message));
    // A channel the broker closed with an error (a channel-level error; the connection lives on)
    // is not reopened by amqp-connection-manager until the next reconnect: force one, so that
    // publishing never stays broken. (A dropped connection closes its channels without 'error'
    // and reconnects by itself; forcing a reconnect then would hang on the dead socket.)
    channel.on('error', () => {
      if (!this.closing && this.connection.isConnected()) this.connection.reconnect();
    });
  }

  private async resend(channel: ConfirmChannel, message: Message): Promise<void> {
    const queue = message.fields.routingKey;
    this.logger.warn(`Message for missing queue '${queue}' returned; declaring the queues again`);
    try {
      await declareTopology(channel, this.options.topology);
      channel.sendToQueue(queue, message.content, message.properties);
    } catch (error) {
      // The job's row is still waiting: the outbox republishes it once it is overdue.
      this.logger.error(`Could not send the returned message again: ${describeError(error)}`);
    }
  }

  private assertConnected(): void {
    if (!this.connection.isConnected()) {
      throw new Error(`RabbitMQ is not connected${this.lastError ? ` (${this.lastError})` : ''}`);
    }
  }

  /** The request's id and trace context travel in the message's headers, like on HTTP. */
  private async send(queue: string, job: Job): Promise<void> {
    this.assertConnected();
    const packet = {
      pattern: this.options.pattern,
      data: { [this.options.payloadKey]: job.id, attempt: job.attempt },
    };
    await this.channel.sendToQueue(queue, Buffer.from(JSON.stringify(packet)), {
      persistent: true,
      mandatory: true,
      contentType: 'application/json',
      messageId: job.id,
      headers: propagationHeaders(),
    });
  }
}
