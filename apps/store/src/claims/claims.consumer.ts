import { setTimeout as delay } from 'node:timers/promises';
import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';
import type { Message } from 'amqplib';
import { UUID_PATTERN } from '@app/contracts';
import { contextFrom, runInContext } from '@app/request-context';
import { Delivery, rmqDelivery } from '@app/messaging';
import { ClaimProcessor } from './claim-processor';
import { ClaimsOutbox } from './claims-outbox';
import { describeError } from '@app/errors';

/** The event pattern of queued claims; the message's data is `{claimUid}`. */
export const CLAIM_EVENT = 'warranty-claim';

/** Before a delivery that hit an unexpected error (e.g. the store's database) goes back. */
export const REQUEUE_PAUSE_MS = 1000;

function claimUidOf(payload: unknown): string | undefined {
  const claimUid = (payload as { claimUid?: unknown } | null)?.claimUid;
  return typeof claimUid === 'string' && UUID_PATTERN.test(claimUid) ? claimUid.toLowerCase() : undefined;
}

/** The tries the claim had failed when its message was sent (undefined in a message without it). */
function attemptOf(payload: unknown): number | undefined {
  const attempt = (payload as { attempt?: unknown } | null)?.attempt;
  return typeof attempt === 'number' && Number.isInteger(attempt) ? attempt : undefined;
}

/**
 * The RabbitMQ listener of queued claims (the store's RMQ microservice, hybrid app). Every
 * delivery is settled by hand, after its outcome is recorded in the database:
 * done (or a duplicate) → ack; a service still down → a copy into the next retry tier (or, when
 * the broker does not take it, the outbox relay's care), then ack;
 * can never succeed → reject into the dead-letter queue. Nothing is acked before it is safe
 * elsewhere, so a crash at any point leads to a redelivery, which the claim's state and its
 * idempotency key make harmless.
 */
@Controller()
export class ClaimsConsumer {
  private readonly logger = new Logger('WarrantyClaims');

  constructor(
    @Inject(ClaimProcessor) private readonly processor: Pick<ClaimProcessor, 'process'>,
    @Inject(ClaimsOutbox) private readonly outbox: Pick<ClaimsOutbox, 'dispatch'>,
  ) {}

  /** Handled under the request that made the claim: its id and trace context are the message's headers. */
  @EventPattern(CLAIM_EVENT)
  async onClaim(@Payload() payload: unknown, @Ctx() context: RmqContext): Promise<void> {
    const headers = (context.getMessage() as Message).properties.headers ?? {};
    await runInContext(contextFrom(headers as Record<string, string>), () =>
      this.handle(payload, rmqDelivery(context)),
    );
  }

  /** Never throws: Nest would leave the delivery unsettled. */
  async handle(payload: unknown, delivery: Delivery, pauseMs = REQUEUE_PAUSE_MS): Promise<void> {
    const claimUid = claimUidOf(payload);
    if (!claimUid) {
      this.logger.error(`Malformed claim message ${JSON.stringify(payload)}: dead-lettered`);
      this.settle(delivery.reject(), claimUid);
      return;
    }
    try {
      const outcome = await this.processor.process(claimUid, attemptOf(payload));
      switch (outcome.kind) {
        case 'done':
          this.settle(delivery.ack(), claimUid);
          return;
        case 'dead':
          this.logger.error(`Claim '${claimUid}' dead-lettered: ${outcome.error}`);
          this.settle(delivery.reject(), claimUid);
          return;
        case 'retry':
          await this.outbox.dispatch(claimUid, outcome.attempts);
          this.settle(delivery.ack(), claimUid);
          return;
      }
    } catch (error) {
      this.logger.error(`Claim '${claimUid}' not handled, requeued: ${describeError(error)}`);
      await delay(pauseMs);
      this.settle(delivery.requeue(), claimUid);
    }
  }

  private settle(settled: boolean, claimUid: string | undefined): void {
    if (!settled) {
      this.logger.warn(
        `Claim '${claimUid ?? '?'}': channel closed before settling; the broker redelivers it`,
      );
    }
  }
}
