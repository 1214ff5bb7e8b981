import type { Channel, Options } from 'amqplib';
import { RetrySchedule } from './retry-schedule';

export interface RetryTier {
  queue: string;
  delayMs: number;
}

/**
 * The RabbitMQ queues of one job queue, all durable:
 * - `<main>`: what the consumer reads; a message it rejects goes to the dead-letter queue;
 * - `<main>.retry.<delay>ms`: one per back-off tier, without consumers; a message waits there for
 *   the tier's TTL and then dead-letters back into `<main>` (back-off without polling);
 * - `<main>.dead`: jobs that can never succeed, kept for an operator.
 */
export interface QueueTopology {
  main: string;
  retries: RetryTier[];
  dead: string;
}

export function queueTopology(main: string, schedule: RetrySchedule): QueueTopology {
  return {
    main,
    retries: schedule.delaysMs.map((delayMs) => ({ queue: `${main}.retry.${delayMs}ms`, delayMs })),
    dead: `${main}.dead`,
  };
}

/**
 * The main queue's declaration. The publisher and Nest's RMQ consumer both declare the queue, and
 * RabbitMQ refuses a second declaration with other arguments, so both use this one.
 */
export function mainQueueOptions(topology: QueueTopology): Options.AssertQueue {
  return {
    durable: true,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': topology.dead },
  };
}

/** The retry tier a job waits in after `attempts` failed tries. */
export function retryTierAfter(
  topology: QueueTopology,
  schedule: RetrySchedule,
  attempts: number,
): RetryTier {
  return topology.retries[schedule.tierAfter(attempts)];
}

/** Declares every queue (idempotent: run again on every reconnect). */
export async function declareTopology(channel: Channel, topology: QueueTopology): Promise<void> {
  await channel.assertQueue(topology.dead, { durable: true });
  await channel.assertQueue(topology.main, mainQueueOptions(topology));
  for (const tier of topology.retries) {
    await channel.assertQueue(tier.queue, {
      durable: true,
      arguments: {
        'x-message-ttl': tier.delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': topology.main,
      },
    });
  }
}
