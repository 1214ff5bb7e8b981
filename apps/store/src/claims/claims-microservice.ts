import { INestApplication } from '@nestjs/common';
import { queueTopology, rmqConsumer } from '@app/messaging';
import { RetrySchedule } from '@app/scheduling';
import { StoreConfig } from '../store.config';

export const CLAIMS_PAYLOAD_KEY = 'claimUid';

export function claimsRetrySchedule(config: StoreConfig): RetrySchedule {
  return RetrySchedule.parse(config.CLAIM_RETRY_DELAYS_MS);
}

/** Names the store's RabbitMQ connections, so that an operator (or a test) can find them. */
export function claimsConnectionName(config: StoreConfig, role: 'consumer' | 'publisher'): string {
  return `store ${config.CLAIMS_QUEUE} ${role} (pid ${process.pid})`;
}

/**
 * With RabbitMQ: the store is a hybrid app whose RMQ microservice consumes the claims' main
 * queue (manual acks). Without it, nothing: the embedded queue's worker runs in-process.
 */
export function connectClaimsConsumer(app: INestApplication, config: StoreConfig): void {
  if (!config.AMQP_URL) return;
  app.connectMicroservice(
    rmqConsumer({
      url: config.AMQP_URL,
      topology: queueTopology(config.CLAIMS_QUEUE, claimsRetrySchedule(config)),
      prefetchCount: config.CLAIMS_PREFETCH,
      connectionName: claimsConnectionName(config, 'consumer'),
    }),
  );
}
