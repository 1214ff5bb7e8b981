import { Injectable } from '@nestjs/common';
import { ConcurrencyLimit } from '@app/scheduling';
import { StoreConfig } from '../store.config';

/**
 * The order lists one store instance assembles at once (ORDER_LIST_CONCURRENCY): a list holds its
 * orders, items and warranties in memory until it is sent, so this bounds that memory under a
 * burst. The others wait their turn; none is refused for it (CONTRACT.md: a list is a 503 only when
 * order service is unavailable); a turn ends when its list has been answered.
 */
@Injectable()
export class OrderListLimit extends ConcurrencyLimit {
  constructor(config: StoreConfig) {
    super(config.ORDER_LIST_CONCURRENCY);
  }
}
