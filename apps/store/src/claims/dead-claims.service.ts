import { Injectable, Logger } from '@nestjs/common';
import { describeError, NotFoundError } from '@app/errors';
import { WorkQueue } from '@app/messaging';
import { ClaimRecords } from './claim-records';
import { ClaimsOutbox } from './claims-outbox';
import { DeadClaim, ReplayResult } from './dto/dead-claim.dto';

/**
 * The operator's view of dead-lettered claims (FAILED: they can never succeed as they are, e.g.
 * the order's warranty is missing) and the way to put them back once the cause is mended. The
 * store's table is the record; RabbitMQ's `<queue>.dead` is rebuilt from it after a replay.
 */
@Injectable()
export class DeadClaims {
  private readonly logger = new Logger('DeadClaims');

  constructor(
    private readonly records: ClaimRecords,
    private readonly outbox: ClaimsOutbox,
    private readonly queue: WorkQueue,
  ) {}

  async list(): Promise<DeadClaim[]> {
    const claims = await this.records.listFailed();
    return claims.map((claim) => ({
      claimUid: claim.claimUid,
      orderUid: claim.orderUid,
      userUid: claim.userUid,
      reason: claim.reason,
      attempts: claim.attempts,
      error: claim.lastError,
      failedAt: claim.updatedAt.toISOString(),
    }));
  }

  /** Puts one dead claim (or all) back in the queue; 404 when that claim is not dead. */
  async replay(claimUid?: string): Promise<ReplayResult> {
    const replayed = await this.records.replayFailed(claimUid);
    if (claimUid !== undefined && replayed.length === 0) {
      throw new NotFoundError(`No dead claim '${claimUid}' that can be put back (one per order at a time)`);
    }
    if (replayed.length > 0) {
      this.logger.log(`Put back ${replayed.length} dead claim(s): ${replayed.join(', ')}`);
      this.outbox.wake();
      await this.rebuildDeadLetters();
    }
    return { replayed };
  }

  /** Best effort: the broker's dead-letter queue is a copy; the table is what counts. */
  private async rebuildDeadLetters(): Promise<void> {
    try {
      const stillDead = await this.records.listFailed();
      await this.queue.rebuildDeadLetters(stillDead.map((claim) => claim.claimUid));
    } catch (error) {
      this.logger.warn(`Dead-letter queue not rebuilt: ${describeError(error)}`);
    }
  }
}
