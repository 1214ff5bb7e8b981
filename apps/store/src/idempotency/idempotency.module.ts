import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyCleanup } from './idempotency-cleanup';
import { IdempotencyRecord } from './idempotency-record.entity';
import { IdempotencyRecords } from './idempotency-records';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/** Idempotency-Keys of the store's writes: their records, the interceptor, the clean-up. */
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyRecord])],
  providers: [IdempotencyRecords, IdempotencyInterceptor, IdempotencyCleanup],
  exports: [IdempotencyRecords, IdempotencyInterceptor],
})
export class IdempotencyModule {}
