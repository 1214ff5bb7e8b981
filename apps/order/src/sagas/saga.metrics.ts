import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { In, Repository } from 'typeorm';
import { queryRows } from '@app/database';
import { MetricsRegistry } from '@app/metrics';
import { OrderSaga, SagaKind, SagaState } from './order-saga.entity';

export type SagaOutcome = 'completed' | 'rolled_back' | 'committed';

const UNFINISHED = [SagaState.STARTED, SagaState.COMPENSATING, SagaState.COMMITTED];

/**
 * `saga_total{kind, outcome}`: sagas that completed, were rolled back, or passed their pivot;
 * `sagas_unfinished`: sagas not finished yet (running, compensating, or retried forward), and
 * `saga_oldest_unfinished_seconds`, counted in the journal at each scrape, so that every
 * instance reports the same numbers.
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
    new Gauge({
      name: 'saga_oldest_unfinished_seconds',
      help: 'Age of the oldest unfinished saga (0 when none): one that stays unfinished for minutes is stuck',
      registers: [registry],
      async collect() {
        const [row] = await queryRows<{ age: number | null }>(
          sagas.manager,
          `SELECT EXTRACT(EPOCH FROM now() - MIN(created_at))::float AS age FROM order_saga
           WHERE state = ANY($1)`,
          [UNFINISHED],
        ).catch(() => [undefined]);
        if (row) this.set(row.age ?? 0);
      },
    });
  }

  ended(kind: SagaKind, outcome: SagaOutcome): void {
    this.outcomes.inc({ kind, outcome });
  }
}
