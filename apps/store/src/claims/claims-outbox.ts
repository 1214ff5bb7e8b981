import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { describeError } from '@app/errors';
import { WorkQueue } from '@app/messaging';
import { runInContext } from '@app/request-context';
import { TimerLoop } from '@app/scheduling';
import { StoreConfig } from '../store.config';
import { ClaimOutboxTable } from './claim-outbox-table';
import { contextOfClaim } from './warranty-claim.entity';

/** Rows younger than this are left to the request (or listener) that is publishing them now. */
const RELAY_MIN_AGE_MS = 2000;
const RELAY_BATCH = 100;
/** While the queue refuses claims (broker down), the relay tries again this often. */
export const RELAY_RETRY_MS = 5000;

/**
 * The transactional outbox of queued claims. A claim is committed to warranty_claim first, then
 * handed to the queue and marked published. The relay hands over what the queue does not have:
 * claims not published (RabbitMQ was down, or the process died between commit and publish) and
 * claims overdue by more than CLAIM_OVERDUE_MS (the broker lost their message). The database is
 * the record; the queue only carries the work.
 */
@Injectable()
export class ClaimsOutbox implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ClaimsOutbox');
  private readonly loop: TimerLoop;

  constructor(
    private readonly table: ClaimOutboxTable,
    private readonly queue: WorkQueue,
    private readonly config: StoreConfig,
  ) {
    this.loop = new TimerLoop({
      name: 'ClaimsOutbox',
      round: (signal) => this.relay(signal),
      // With nothing planned it still looks this often: claims other instances wrote, and lost.
      idleMs: config.CLAIM_OVERDUE_MS,
      minSleepMs: RELAY_MIN_AGE_MS,
      errorPauseMs: RELAY_RETRY_MS,
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /**
   * Hands a committed claim to the queue, to be tried after the back-off for `attempts` failed
   * tries. Never throws: the claim is committed already, so if the queue cannot take it now, or
   * its mark cannot be written, the relay publishes it later (a second copy is harmless).
   */
  async dispatch(claimUid: string, attempts: number): Promise<void> {
    try {
      await this.queue.scheduleRetry({ id: claimUid, attempt: attempts });
    } catch (error) {
      this.logger.warn(`Claim '${claimUid}' not published now (${describeError(error)}); the relay will`);
      await this.table.markPublished(claimUid, false).catch(() => undefined);
      this.loop.wake(RELAY_RETRY_MS);
      return;
    }
    await this.table.markPublished(claimUid, true).catch((error: unknown) => {
      this.logger.warn(`Claim '${claimUid}' published but not marked (${describeError(error)})`);
    });
    // Should the broker lose it, the relay looks when it becomes overdue.
    this.loop.wake(this.config.CLAIM_OVERDUE_MS);
  }

  /** Claims were put back (dead-letter replay): publish them now. */
  wake(): void {
    this.loop.wake();
  }

  private async relay(signal: AbortSignal): Promise<number | undefined> {
    for (;;) {
      const claims = await this.table.takeToPublish(
        RELAY_BATCH,
        RELAY_MIN_AGE_MS,
        this.config.CLAIM_OVERDUE_MS,
      );
      for (const [index, claim] of claims.entries()) {
        try {
          if (signal.aborted) throw new Error('shutting down');
          // Under the request that made the claim: its message carries that id and trace.
          await runInContext(contextOfClaim(claim), async () => {
            await this.queue.publish({ id: claim.claimUid, attempt: claim.attempts });
            this.logger.log(`Claim '${claim.claimUid}' published by the outbox relay`);
          });
        } catch (error) {
          // Taken as published but not handed over: back to unpublished, for the next round.
          for (const left of claims.slice(index)) await this.table.markPublished(left.claimUid, false);
          this.logger.warn(`Outbox relay paused: ${describeError(error)}`);
          return RELAY_RETRY_MS;
        }
      }
      if (claims.length < RELAY_BATCH) break;
    }
    return this.table.msUntilNextDue(RELAY_MIN_AGE_MS, this.config.CLAIM_OVERDUE_MS);
  }
}
