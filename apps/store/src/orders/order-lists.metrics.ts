import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '@app/metrics';
import { OrderListLimit } from './order-list-limit';

/**
 * `order_lists{state}`: lists being assembled (`running`) and waiting for their turn (`waiting`);
 * `order_list_orders`: the part of ORDER_LIST_ORDERS_AT_ONCE the lists being assembled hold — their
 * orders, a list longer than the whole budget counting as the budget.
 */
@Injectable()
export class OrderListsMetrics {
  constructor(registry: MetricsRegistry, limit: OrderListLimit) {
    new Gauge({
      name: 'order_list_orders',
      help: 'Orders held by the order lists being assembled, a list longer than ORDER_LIST_ORDERS_AT_ONCE counting as that',
      registers: [registry],
      collect() {
        this.set(limit.inUse);
      },
    });
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
