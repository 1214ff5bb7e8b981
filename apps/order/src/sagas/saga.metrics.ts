import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { In, Repository } from 'typeorm';
import { MetricsRegistry } from '@app/metrics';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';

export type SagaOutcome = 'completed' | 'rolled_back' | 'committed';

const UNFINISHED = [SagaState.STARTED, SagaState.COMPENSATING, SagaState.COMMITTED];

/**
 * `saga_total{kind, outcome}`: sagas that completed, were rolled back, or passed their pivot;
 * `sagas_unfinished`: sagas not finished yet (running, compensating, or retried forward), counted
 * in the journal at each scrape, so that every instance reports the same number.
 */
@Injectable()
export class SagaMetrics {
  private readonly outcomes: Counter<'kind' | 'outcome'>;

  constructor(registry: MetricsRegistry, @InjectRepository(OrderSaga) sagas: Repository<OrderSaga>) {
    this.outcomes = new Counter({
      name: 'saga_total',
      help: 'Purchase and refund sagas by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    });
    new Gauge({
      name: 'sagas_unfinished',
      help: 'Sagas not finished yet: running, compensating, or with steps retried forward',
      registers: [registry],
      async collect() {
        // A scrape while the database is down keeps the last value rather than failing.
        const count = await sagas.countBy({ state: In(UNFINISHED) }).catch(() => undefined);
        if (count !== undefined) this.set(count);
      },
    });
  }

  ended(kind: SagaKind, outcome: SagaOutcome): void {
    this.outcomes.inc({ kind, outcome });
  }
}
