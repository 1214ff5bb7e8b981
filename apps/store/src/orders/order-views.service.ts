import { Injectable, Logger } from '@nestjs/common';
import { MAX_BATCH_SIZE, OrderItemResponse, OrderResponse, WarrantyResponse } from '@app/contracts';
import { ClientClosedRequestError, NotFoundError, ServiceUnavailableError } from '@app/errors';
import { OrderClient, WarehouseClient, WarrantyClient } from '@app/service-client';
import { ClaimRecords, ClaimState } from '../claims/claim-records';
import { OrderView } from './dto/order-view.dto';
import { OrderListLimit } from './order-list-limit';

/**
 * A degraded read: an unavailable service (or one that has no record of the item) leaves its
 * fields null instead of failing the whole view of an order that exists.
 */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ServiceUnavailableError || error instanceof NotFoundError) return null;
    throw error;
  }
}

/** One look-up per MAX_BATCH_SIZE uids, one after another: a long list never floods a service. */
async function inBatches<T>(uids: string[], lookup: (batch: string[]) => Promise<T[]>): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; start < uids.length; start += MAX_BATCH_SIZE) {
    found.push(...(await lookup(uids.slice(start, start + MAX_BATCH_SIZE))));
  }
  return found;
}

function toView(
  order: OrderResponse,
  item: OrderItemResponse | null | undefined,
  warranty: WarrantyResponse | null | undefined,
  claim: ClaimState | undefined,
): OrderView {
  return {
    orderUid: order.orderUid,
    date: order.orderDate,
    status: order.status,
    model: item?.model ?? null,
    size: item?.size ?? null,
    warrantyDate: warranty?.warrantyDate ?? null,
    warrantyStatus: warranty?.status ?? null,
    warrantyClaim: claim ?? null,
  };
}

/**
 * Reads #1 and #2: the orders from order service (required: without it the answer is 503),
 * enriched from warehouse and warranty when they are available, and with the latest claim from
 * the store's own table. A list costs the same calls as one order: one to order, one batch
 * look-up each to warehouse and warranty (per 10,000 orders), one query — in parallel. Lists take
 * turns by their number of orders (OrderListLimit).
 */
@Injectable()
export class OrderViewsService {
  private readonly logger = new Logger('OrderLists');

  constructor(
    private readonly orders: OrderClient,
    private readonly warehouse: WarehouseClient,
    private readonly warranty: WarrantyClient,
    private readonly claims: ClaimRecords,
    private readonly lists: OrderListLimit,
  ) {}

  /**
   * Order's answer tells the list's size, and so how much of the turns' budget it takes. A list
   * whose client goes away while it waits for its turn (`clientGone` aborts) leaves the queue and
   * is not assembled: under a burst, clients that gave up would otherwise hold up those still
   * waiting.
   */
  async findAll(userUid: string, clientGone?: AbortSignal): Promise<OrderView[]> {
    const orders = await this.orders.findAll(userUid);
    if (orders.length === 0) return [];
    try {
      return await this.lists.run(() => this.assembleList(orders), orders.length, clientGone);
    } catch (error) {
      if (!clientGone?.aborted || error !== clientGone.reason) throw error;
      this.logger.log('Order list not assembled: its client closed the request while it waited');
      throw new ClientClosedRequestError('The client closed the request');
    }
  }

  private async assembleList(orders: OrderResponse[]): Promise<OrderView[]> {
    const itemUids = orders.map((order) => order.itemUid);
    const [items, warranties, claims] = await Promise.all([
      orNull(inBatches(itemUids, (batch) => this.warehouse.findOrderItems(batch))),
      orNull(inBatches(itemUids, (batch) => this.warranty.findMany(batch))),
      this.claims.latestOf(orders.map((order) => order.orderUid)),
    ]);
    const itemByUid = new Map(items?.map((item) => [item.orderItemUid, item]));
    const warrantyByUid = new Map(warranties?.map((warranty) => [warranty.itemUid, warranty]));
    return orders.map((order) =>
      toView(
        order,
        itemByUid.get(order.itemUid),
        warrantyByUid.get(order.itemUid),
        claims.get(order.orderUid),
      ),
    );
  }

  /** The warehouse and warranty look-ups of one order are independent: run them together. */
  async find(userUid: string, orderUid: string): Promise<OrderView> {
    const order = await this.orders.find(userUid, orderUid);
    const [item, warranty, claims] = await Promise.all([
      orNull(this.warehouse.findOrderItem(order.itemUid)),
      orNull(this.warranty.find(order.itemUid)),
      this.claims.latestOf([order.orderUid]),
    ]);
    return toView(order, item, warranty, claims.get(order.orderUid));
  }
}
