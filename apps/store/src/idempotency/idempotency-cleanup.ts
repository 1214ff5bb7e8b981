import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TimerLoop } from '@app/scheduling';
import { IdempotencyRecords } from './idempotency-records';

const BATCH = 1000;
const EVERY_MS = 60 * 60 * 1000;

/** Deletes expired Idempotency-Keys: at start-up, then hourly (in batches, so no long statement). */
@Injectable()
export class IdempotencyCleanup implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Idempotency');
  private readonly loop = new TimerLoop({
    name: 'IdempotencyCleanup',
    round: (signal) => this.deleteExpired(signal),
    idleMs: EVERY_MS,
    errorPauseMs: 60_000,
  });

  constructor(private readonly records: IdempotencyRecords) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  private async deleteExpired(signal: AbortSignal): Promise<undefined> {
    let total = 0;
    for (let deleted = BATCH; deleted === BATCH && !signal.aborted; total += deleted) {
      deleted = await this.records.deleteExpired(BATCH);
    }
    if (total > 0) this.logger.log(`Deleted ${total} expired Idempotency-Keys`);
    return undefined;
  }
}
