import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ClaimProcessor } from './claim-processor';
import { ClaimsConsumer } from './claims.consumer';
import { ClaimsController } from './claims.controller';
import { ClaimsOutbox } from './claims.outbox';
import { ClaimsRepository } from './claims.repository';
import { ClaimsService } from './claims.service';
import { WarrantyClaim } from './warranty-claim.entity';

/** Warranty claims (#3): the endpoint, the claims' table (outbox and embedded queue) and their processing. */
@Module({
  imports: [TypeOrmModule.forFeature([WarrantyClaim]), UsersModule],
  controllers: [ClaimsController],
  providers: [ClaimsRepository, ClaimProcessor, ClaimsOutbox, ClaimsService],
  exports: [ClaimsRepository, ClaimProcessor, ClaimsOutbox],
})
export class ClaimsModule {}

/** The RabbitMQ listener of queued claims; only with AMQP_URL (hybrid app, see claims-microservice.ts). */
@Module({
  imports: [ClaimsModule],
  controllers: [ClaimsConsumer],
})
export class ClaimsConsumerModule {}
