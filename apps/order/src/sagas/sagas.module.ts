import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrderSaga } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { RefundSaga } from './refund.saga';
import { SagaJournal } from './saga-journal';
import { SagaMetrics } from './saga.metrics';
import { SagaRecovery } from './saga-recovery';
import { SagaTiming } from './saga-timing';
import { SagaWorker } from './saga-worker';

/**
 * Purchases and refunds as sagas, their durable journal, and the background worker that
 * finishes what a request could not: compensations before the pivot, remaining steps after it.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OrderSaga])],
  providers: [SagaTiming, SagaMetrics, SagaJournal, SagaRecovery, PurchaseSaga, RefundSaga, SagaWorker],
  exports: [PurchaseSaga, RefundSaga, SagaJournal],
})
export class SagasModule {}
