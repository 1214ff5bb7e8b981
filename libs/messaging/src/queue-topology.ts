import type { Channel, Options } from 'amqplib';
import { RetrySchedule } from '@app/scheduling';

export interface RetryTier {
  queue: string;
  delayMs: number;
}

/**
 * The RabbitMQ queues of one job queue:
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

/**
 * A message redelivered this often (a consumer that crashes on it every time) is dead-lettered
 * instead of looping for ever. Far above the redeliveries that reconnects and restarts cause.
 */
export const DELIVERY_LIMIT = 50;

export function queueTopology(main: string, schedule: RetrySchedule): QueueTopology {
  return {
    main,
    retries: schedule.delaysMs.map((delayMs) => ({ queue: `${main}.retry.${delayMs}ms`, delayMs })),
    dead: `${main}.dead`,
  };
}

/**
 * Every queue is a quorum queue, RabbitMQ's recommendation for data that must not be lost: always
 * durable, replicated on a cluster, and its dead-lettering (from a retry tier back into the main
 * queue, from the main queue into `.dead`) is at-least-once — a classic queue's dead-lettering
 * can drop a message on the way.
 */
function quorumQueue(
  deadLetterTo: string | undefined,
  extra: Record<string, unknown> = {},
): Options.AssertQueue {
  const deadLettering = deadLetterTo
    ? {
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': deadLetterTo,
        'x-dead-letter-strategy': 'at-least-once',
        // at-least-once dead-lettering requires it: a full queue refuses new messages (the
        // publisher's confirm fails) instead of dropping old ones.
        'x-overflow': 'reject-publish',
      }
    : {};
  const queueArguments: Record<string, unknown> = { 'x-queue-type': 'quorum', ...deadLettering, ...extra };
  return { durable: true, arguments: queueArguments };
}

/**
 * The main queue's declaration. The publisher and Nest's RMQ consumer both declare the queue, and
 * RabbitMQ refuses a second declaration with other arguments, so both use this one.
 */
export function mainQueueOptions(topology: QueueTopology): Options.AssertQueue {
  return quorumQueue(topology.dead, { 'x-delivery-limit': DELIVERY_LIMIT });
}

/** The retry tier a job waits in after `attempts` failed tries. */
export function retryTierAfter(
  topology: QueueTopology,
  schedule: RetrySchedule,
  attempts: number,
): RetryTier {
  return topology.retries[schedule.tierAfter(attempts)];
}

/** Declares every queue (idempotent: run again on every reconnect, and when a queue went missing). */
export async function declareTopology(channel: Channel, topology: QueueTopology): Promise<void> {
  await channel.assertQueue(topology.dead, quorumQueue(undefined));
  await channel.assertQueue(topology.main, mainQueueOptions(topology));
  for (const tier of topology.retries) {
    await channel.assertQueue(tier.queue, quorumQueue(topology.main, { 'x-message-ttl': tier.delayMs }));
  }
}
