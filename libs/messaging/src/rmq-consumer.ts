import { Logger } from '@nestjs/common';
import { CustomStrategy, RmqContext, RmqOptions, ServerRMQ } from '@nestjs/microservices';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import type { Channel, Message } from 'amqplib';
import { mainQueueOptions, QueueTopology } from './queue-topology';
import { AMQP_HEARTBEAT_SECONDS, AMQP_RECONNECT_SECONDS } from './rabbitmq-work-queue';
import { describeError } from '@app/errors';

export interface RmqConsumerOptions {
  url: string;
  topology: QueueTopology;
  /** Deliveries the consumer may hold unacknowledged at once. */
  prefetchCount: number;
  /** Shown by RabbitMQ (`rabbitmqctl list_connections client_properties`). */
  connectionName: string;
}

/**
 * Nest's RMQ server, with two fixes for a channel that closes while it is being set up (a SIGTERM
 * right after start-up, a connection dropped mid-set-up), each of which would otherwise kill the
 * process: Nest starts `channel.consume()` without awaiting it (an unhandled rejection), and its
 * channel wrapper has no 'error' listener for a failed set-up (an unhandled 'error' event). Both
 * are logged instead; amqp-connection-manager reconnects and sets the channel up again.
 * Everything else is Nest's ServerRMQ.
 */
export class ResilientServerRmq extends ServerRMQ {
  private readonly setupLogger = new Logger('RmqServer');

  override createClient<T = AmqpConnectionManager>(): T {
    const client = super.createClient<AmqpConnectionManager>();
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
    return super.setupChannel(channel, callback);
  }
}

/**
 * The Nest RMQ microservice that consumes the main queue, for `app.connectMicroservice()`:
 * manual acks (a delivery stays on the broker until its handler settled it, so a crash or a
 * dropped connection redelivers it), a bounded prefetch, and the queue's one declaration. Nest's
 * ServerRMQ connects through amqp-connection-manager, which reconnects after a lost connection
 * and runs the channel set-up again — queue, prefetch and consumer are re-established.
 */
export function rmqConsumerOptions(options: RmqConsumerOptions): Required<RmqOptions>['options'] {
  return {
    urls: [options.url],
    queue: options.topology.main,
    noAck: false,
    prefetchCount: options.prefetchCount,
    queueOptions: mainQueueOptions(options.topology),
    socketOptions: {
      heartbeatIntervalInSeconds: AMQP_HEARTBEAT_SECONDS,
      reconnectTimeInSeconds: AMQP_RECONNECT_SECONDS,
      connectionOptions: { clientProperties: { connection_name: options.connectionName } },
    },
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
