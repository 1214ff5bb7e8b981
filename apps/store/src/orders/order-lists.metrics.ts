import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '@app/metrics';
import { OrderListLimit } from './order-list-limit';

/** `order_lists{state}`: lists being assembled (`running`) and waiting for their turn (`waiting`). */
@Injectable()
export class OrderListsMetrics {
  constructor(registry: MetricsRegistry, limit: OrderListLimit) {
    new Gauge({
      name: 'order_lists',
      help: 'Order lists being assembled (running) and waiting for their turn (waiting)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'running' }, limit.running);
        this.set({ state: 'waiting' }, limit.waiting);
      },
    });
  }
}
