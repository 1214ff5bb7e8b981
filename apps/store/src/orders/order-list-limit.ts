import { Injectable } from '@nestjs/common';
import { ConcurrencyLimit } from '@app/scheduling';
import { StoreConfig } from '../store.config';

/** Lists that may wait for their turn; beyond, a 503 at once (a waiting list costs a promise). */
const WAITING_LISTS = 1000;

/**
 * The order lists one store instance assembles at once (ORDER_LIST_CONCURRENCY): a list holds its
 * orders, items and warranties in memory until it is sent, so this bounds that memory under a
 * burst. The others wait their turn, each at most ORDER_LIST_WAIT_MS.
 */
@Injectable()
export class OrderListLimit extends ConcurrencyLimit {
  constructor(config: StoreConfig) {
    super({
      limit: config.ORDER_LIST_CONCURRENCY,
      queue: WAITING_LISTS,
      maxWaitMs: config.ORDER_LIST_WAIT_MS,
    });
  }
}
