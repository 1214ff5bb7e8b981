import { Injectable } from '@nestjs/common';
import { ConcurrencyLimit } from '@app/scheduling';
import { StoreConfig } from '../store.config';

/**
 * The orders that the lists one store instance assembles at once hold together
 * (ORDER_LIST_ORDERS_AT_ONCE): a list holds its orders, items and warranties in memory until it
 * is sent, so this bounds that memory under a burst, and a list takes as much of it as it has
 * orders. A list that does not fit waits its turn; none is refused for it (CONTRACT.md: a list is
 * a 503 only when order service is unavailable); a turn ends when its list has been assembled.
 */
@Injectable()
export class OrderListLimit extends ConcurrencyLimit {
  constructor(config: StoreConfig) {
    super(config.ORDER_LIST_ORDERS_AT_ONCE);
  }
}
