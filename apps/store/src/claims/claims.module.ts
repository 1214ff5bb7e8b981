import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { UsersModule } from '../users/users.module';
import { ClaimOutboxTable } from './claim-outbox-table';
import { ClaimProcessor } from './claim-processor';
import { ClaimQueueTable } from './claim-queue-table';
import { ClaimRecords } from './claim-records';
import { ClaimsConsumer } from './claims.consumer';
import { ClaimsController } from './claims.controller';
import { ClaimsOutbox } from './claims-outbox';
import { ClaimsQueueWorker } from './claims-queue-worker';
import { ClaimsService } from './claims.service';
import { ClaimsMetrics } from './claims.metrics';
import { DeadClaimsController } from './dead-claims.controller';
import { DeadClaims } from './dead-claims.service';
import { WarrantyClaim } from './warranty-claim.entity';

/**
 * Warranty claims (#3): the endpoint, the claims' table (record, outbox and embedded queue),
 * their processing, and the operator's dead-letter endpoints.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WarrantyClaim]), UsersModule, IdempotencyModule],
  controllers: [ClaimsController, DeadClaimsController],
  providers: [
    ClaimRecords,
    ClaimOutboxTable,
    ClaimQueueTable,
    ClaimProcessor,
    ClaimsOutbox,
    ClaimsQueueWorker,
    ClaimsService,
    ClaimsMetrics,
    DeadClaims,
  ],
  exports: [ClaimRecords, ClaimProcessor, ClaimsOutbox],
})
export class ClaimsModule {}

/** The RabbitMQ listener of queued claims; only with AMQP_URL (hybrid app, see claims-microservice.ts). */
@Module({
  imports: [ClaimsModule],
  controllers: [ClaimsConsumer],
})
export class ClaimsConsumerModule {}
