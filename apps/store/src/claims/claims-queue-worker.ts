import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { WorkQueue } from '@app/messaging';
import { ClaimProcessor } from './claim-processor';
import { ClaimQueueTable } from './claim-queue-table';

/**
 * Without a broker the claims' table is the queue: this hands it, with the processor, to the
 * embedded queue's worker. With RabbitMQ it does nothing (the RMQ consumer processes claims).
 */
@Injectable()
export class ClaimsQueueWorker implements OnApplicationBootstrap {
  constructor(
    private readonly queue: WorkQueue,
    private readonly table: ClaimQueueTable,
    private readonly processor: ClaimProcessor,
  ) {}

  onApplicationBootstrap(): void {
    this.queue.attachLocalWorker({
      leaseDue: (limit, leaseMs) => this.table.leaseDue(limit, leaseMs),
      nextDueAt: () => this.table.nextDueAt(),
      process: (claimUid) => this.processor.process(claimUid),
    });
  }
}
