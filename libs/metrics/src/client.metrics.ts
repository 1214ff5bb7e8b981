import { Injectable } from '@nestjs/common';
import { Gauge, Histogram } from 'prom-client';
import type { CallObserver, CallOutcome, BreakerState } from '@app/service-client';
import { LATENCY_BUCKETS } from './http-server.metrics';
import { MetricsRegistry } from './metrics.registry';

const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/**
 * `http_client_requests_seconds{target, outcome}` for every call to another service, and
 * `circuit_breaker_state{target}` (0 closed, 1 open, 2 half-open), set on every transition.
 */
@Injectable()
export class ClientMetrics implements CallObserver {
  private readonly calls: Histogram<'target' | 'outcome'>;
  private readonly breakers: Gauge<'target'>;

  constructor(registry: MetricsRegistry) {
    this.calls = new Histogram({
      name: 'http_client_requests_seconds',
      help: 'Calls to other services, by target service and outcome',
      labelNames: ['target', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.breakers = new Gauge({
      name: 'circuit_breaker_state',
      help: 'Circuit breaker per target service: 0 closed, 1 open, 2 half-open',
      labelNames: ['target'],
      registers: [registry],
    });
  }

  called(target: string, outcome: CallOutcome, seconds: number): void {
    this.calls.observe({ target, outcome }, seconds);
  }

  breakerChanged(target: string, state: BreakerState): void {
    this.breakers.set({ target }, BREAKER_STATE_VALUE[state]);
  }
}
