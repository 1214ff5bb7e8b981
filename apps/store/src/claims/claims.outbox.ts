import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { WorkQueue } from '@app/messaging';
import { ClaimProcessor } from './claim-processor';
import { ClaimsRepository } from './claims.repository';
import { describeError } from '@app/errors';

/** While claims wait unpublished, the relay looks again this often. */
export const RELAY_INTERVAL_MS = 5000;
/** Rows younger than this are left to the request (or listener) that is publishing them now. */
const RELAY_MIN_AGE_MS = 2000;
const RELAY_BATCH = 100;

/**
 * The transactional outbox of queued claims. A claim is committed to warranty_claim first, then
 * handed to the queue and marked published. When the queue cannot take it (RabbitMQ down, or the
 * process died between commit and publish), the row stays unpublished and the relay publishes
 * it: at start-up, and every few seconds while any are unpublished. Without a broker it also
 * starts the embedded queue's worker over the same table.
 */
@Injectable()
export class ClaimsOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ClaimsOutbox');
  private relayTimer?: NodeJS.Timeout;
  private relaying?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly records: ClaimsRepository,
    private readonly queue: WorkQueue,
    private readonly processor: ClaimProcessor,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.attachLocalWorker({
      leaseDue: (limit, leaseMs) => this.records.leaseDue(limit, leaseMs),
      nextDueAt: () => this.records.nextDueAt(),
      process: (claimUid) => this.processor.process(claimUid),
    });
    this.relaySoon(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.relayTimer);
    await this.relaying;
  }

  /**
   * Hands a committed claim to the queue, to be tried after the back-off for `attempts` failed
   * tries. Resolves true when the queue has it, false when the relay will publish it later.
   */
  async dispatch(claimUid: string, attempts: number): Promise<boolean> {
    try {
      await this.queue.scheduleRetry(claimUid, attempts);
    } catch (error) {
      this.logger.warn(`Claim '${claimUid}' not published now (${describeError(error)}); the relay will`);
      await this.records.markPublished(claimUid, false);
      this.relaySoon(RELAY_INTERVAL_MS);
      return false;
    }
    await this.records.markPublished(claimUid, true);
    return true;
  }

  private relaySoon(delayMs: number): void {
    if (this.stopped || this.relayTimer) return;
    this.relayTimer = setTimeout(() => {
      this.relayTimer = undefined;
      if (this.relaying) {
        this.relaySoon(RELAY_INTERVAL_MS);
        return;
      }
      this.relaying = this.relay().finally(() => (this.relaying = undefined));
    }, delayMs);
  }

  private async relay(): Promise<void> {
    let left = 0;
    try {
      for (const claimUid of await this.records.unpublished(RELAY_BATCH, RELAY_MIN_AGE_MS)) {
        if (this.stopped) return;
        await this.queue.publish(claimUid);
        await this.records.markPublished(claimUid, true);
        this.logger.log(`Claim '${claimUid}' published by the outbox relay`);
      }
      left = await this.records.countUnpublished();
    } catch (error) {
      this.logger.warn(`Outbox relay paused: ${describeError(error)}`);
      left = 1;
    }
    if (left > 0) this.relaySoon(RELAY_INTERVAL_MS);
  }
}
