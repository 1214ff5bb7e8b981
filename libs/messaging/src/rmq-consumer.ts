import { Logger } from '@nestjs/common';
import { CustomStrategy, RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel, Message } from 'amqplib';
import { describeError } from '@app/errors';
import { mainQueueOptions, QueueTopology } from './queue-topology';
import { connectionOptions } from './rabbitmq-work-queue';

export interface RmqConsumerOptions {
  url: string;
  topology: QueueTopology;
  /** Deliveries the consumer may hold unacknowledged at once. */
  prefetchCount: number;
  /** Shown by RabbitMQ (`rabbitmqctl list_connections client_properties`). */
  connectionName: string;
}

/**
 * Nest's RMQ server, made to keep consuming whatever happens to its channel:
 * - a channel that closes while it is being set up (a SIGTERM right after start-up, a connection
 *   dropped mid-set-up) would kill the process twice over — Nest starts `channel.consume()`
 *   without awaiting it (an unhandled rejection), and its channel wrapper has no 'error' listener
 *   (an unhandled 'error' event); both are logged instead;
 * - a consumer the broker cancels (its queue was deleted) arrives as a `null` delivery, which Nest
 *   ignores, and a channel the broker closes with an error is not reopened by amqp-connection-
 *   manager until the next reconnect: either one forces a reconnect, whose set-up declares the
 *   queue again and consumes it.
 * Everything else is Nest's ServerRMQ.
 */
export class ResilientServerRmq extends ServerRMQ {
  private readonly setupLogger = new Logger('RmqConsumer');
  private connection?: AmqpConnectionManager;
  private closing = false;

  override createClient<T = AmqpConnectionManager>(): T {
    const client = super.createClient<AmqpConnectionManager>();
    this.connection = client;
    const createChannel = client.createChannel.bind(client);
    client.createChannel = (options) => {
      const wrapper = createChannel(options);
      wrapper.on('error', (error: Error) =>
        this.setupLogger.warn(`Channel set-up failed: ${error.message}; it is set up again on reconnect`),
      );
      return wrapper;
    };
    return client as T;
  }

  override setupChannel(channel: Channel, callback: () => void): Promise<void> {
    const consume = channel.consume.bind(channel);
    channel.consume = (...args: Parameters<Channel['consume']>) => {
      const consuming = consume(...args);
      consuming.catch((error: unknown) =>
        this.setupLogger.warn(`Consumer not started: ${describeError(error)}`),
      );
      return consuming;
    };
    // Only a channel-level error: a dropped connection closes its channels without one and
    // reconnects by itself (forcing a reconnect then would hang on the dead socket).
    channel.on('error', () => this.reconnect('channel closed by the broker'));
    return super.setupChannel(channel, callback);
  }

  override async handleMessage(...args: Parameters<ServerRMQ['handleMessage']>): Promise<void> {
    // amqplib hands the consumer `null` when the broker cancels it (Nest's types do not say so).
    if ((args[0] as Message | null) === null) {
      this.reconnect('consumer cancelled by the broker (queue deleted?)');
      return;
    }
    return super.handleMessage(...args);
  }

  override async close(): Promise<void> {
    this.closing = true;
    await super.close();
  }

  private reconnect(why: string): void {
    if (this.closing || !this.connection?.isConnected()) return; // a reconnect is under way anyway
    this.setupLogger.warn(`${why}: reconnecting to declare the queue and consume again`);
    this.connection.reconnect();
  }
}

/**
 * The Nest RMQ microservice that consumes the main queue, for `app.connectMicroservice()`:
 * manual acks (a delivery stays on the broker until its handler settled it, so a crash or a
 * dropped connection redelivers it), a bounded prefetch, and the queue's one declaration. Several
 * instances of the service are competing consumers of the one queue.
 */
export function rmqConsumerOptions(options: RmqConsumerOptions): Required<RmqOptions>['options'] {
  return {
    urls: [options.url],
    queue: options.topology.main,
    noAck: false,
    prefetchCount: options.prefetchCount,
    queueOptions: mainQueueOptions(options.topology),
    socketOptions: connectionOptions(options.connectionName),
  };
}

/** The consumer as a hybrid app's microservice: `app.connectMicroservice(rmqConsumer(options))`. */
export function rmqConsumer(options: RmqConsumerOptions): CustomStrategy {
  return { strategy: new ResilientServerRmq(rmqConsumerOptions(options)) };
}

/** How a consumer settles one delivery. Each returns false when the channel is gone. */
export interface Delivery {
  /** Done with it: the broker forgets it. */
  ack(): boolean;
  /** Can never succeed: the broker moves it to the dead-letter queue. */
  reject(): boolean;
  /** Not now: back onto the queue for another try. */
  requeue(): boolean;
}

/**
 * The delivery behind an RMQ handler's context. A channel closed under the handler (a dropped
 * connection) cannot settle anything: the broker has requeued the delivery already and
 * redelivers it on the new connection, so a failed settle is reported, not thrown.
 */
export function rmqDelivery(context: RmqContext): Delivery {
  const channel = context.getChannelRef() as Channel;
  const message = context.getMessage() as Message;
  const attempt = (settle: () => void): boolean => {
    try {
      settle();
      return true;
    } catch {
      return false;
    }
  };
  return {
    ack: () => attempt(() => channel.ack(message)),
    reject: () => attempt(() => channel.nack(message, false, false)),
    requeue: () => attempt(() => channel.nack(message, false, true)),
  };
}
