import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CompensationWorker } from './compensation-worker';
import { OrderSaga } from './order-saga.entity';
import { PurchaseSaga } from './purchase.saga';
import { RefundSaga } from './refund.saga';
import { SagaCompensator } from './saga-compensator';
import { SagaJournal } from './saga-journal';
import { SagaTiming } from './saga-timing';

/**
 * Purchases and refunds as sagas with compensating steps, their durable journal, and the
 * background worker that finishes compensations that could not run at once.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OrderSaga])],
  providers: [SagaTiming, SagaJournal, SagaCompensator, PurchaseSaga, RefundSaga, CompensationWorker],
  exports: [PurchaseSaga, RefundSaga],
})
export class SagasModule {}
