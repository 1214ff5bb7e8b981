import { DynamicModule, Module } from '@nestjs/common';
import { BaseServiceConfig } from '@app/config';
import { EmbeddedWorkQueue } from './embedded-work-queue';
import { queueTopology } from './queue-topology';
import { RabbitMqWorkQueue } from './rabbitmq-work-queue';
import { RetrySchedule } from '@app/scheduling';
import { WorkQueue } from './work-queue';

export interface MessagingModuleOptions {
  /** The RabbitMQ main queue; its retry tiers and dead-letter queue are named after it. */
  queue: string;
  schedule: RetrySchedule;
  /** The Nest event pattern of the messages. */
  pattern: string;
  /** Messages carry the job's id as `data[payloadKey]`. */
  payloadKey: string;
  /** Embedded queue: how long a taken job is withheld (longer than one try can last). */
  leaseMs: number;
  /** Name of the publisher's RabbitMQ connection. */
  connectionName: string;
}

/**
 * The service's WorkQueue (global): RabbitMQ when AMQP_URL is set, else the embedded queue.
 * The broker's health indicator goes into HealthModule.forRoot({ indicators }).
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: RetrySchedule, useValue: options.schedule },
        {
          provide: WorkQueue,
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig): WorkQueue =>
            config.AMQP_URL
              ? new RabbitMqWorkQueue({
                  url: config.AMQP_URL,
                  topology: queueTopology(options.queue, options.schedule),
                  schedule: options.schedule,
                  pattern: options.pattern,
                  payloadKey: options.payloadKey,
                  connectionName: options.connectionName,
                })
              : new EmbeddedWorkQueue({ leaseMs: options.leaseMs }),
        },
      ],
      exports: [WorkQueue, RetrySchedule],
    };
  }
}
