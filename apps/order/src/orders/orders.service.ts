import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  ClaimRequest,
  ItemSelection,
  OrderCreatedResponse,
  OrderResponse,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { queryRows } from '@app/database';
import { NotFoundError } from '@app/errors';
import { WarehouseClient } from '@app/service-client';
import { PurchaseSaga } from '../sagas/purchase.saga';
import { RefundSaga } from '../sagas/refund.saga';
import { Order } from './order.entity';

function orderNotFound(orderUid: string): NotFoundError {
  return new NotFoundError(`Order '${orderUid}' not found`);
}

type OrderFields = Pick<Order, 'orderUid' | 'orderDate' | 'itemUid' | 'status'>;

/** The hot reads (every order view and list): plain SQL, without the query builder's cost per call. */
const SELECT_ORDERS = `SELECT order_uid AS "orderUid", order_date AS "orderDate", item_uid AS "itemUid", status
  FROM orders WHERE user_uid = $1`;

function toResponse(order: OrderFields): OrderResponse {
  return {
    orderUid: order.orderUid,
    orderDate: order.orderDate.toISOString(),
    itemUid: order.itemUid,
    status: order.status,
  };
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly warehouse: WarehouseClient,
    private readonly purchases: PurchaseSaga,
    private readonly refunds: RefundSaga,
  ) {}

  /**
   * Takes the item from warehouse, starts its warranty, and stores the order as PAID — all or
   * nothing (a saga, see ../sagas/purchase.saga.ts).
   */
  place(userUid: string, selection: ItemSelection, requestKey?: string): Promise<OrderCreatedResponse> {
    return this.purchases.run(userUid, selection, requestKey);
  }

  async findOfUser(userUid: string, orderUid: string): Promise<OrderResponse> {
    const [order] = await queryRows<OrderFields>(this.orders.manager, `${SELECT_ORDERS} AND order_uid = $2`, [
      userUid,
      orderUid,
    ]);
    if (!order) throw orderNotFound(orderUid);
    return toResponse(order);
  }

  async findAllOfUser(userUid: string): Promise<OrderResponse[]> {
    const orders = await queryRows<OrderFields>(
      this.orders.manager,
      `${SELECT_ORDERS} ORDER BY order_date, id`,
      [userUid],
    );
    return orders.map(toResponse);
  }

  /**
   * Through warehouse; the claim's idempotency key goes along so that a retry gets the first
   * decision. The order's item by plain SQL, as the hot reads.
   */
  async claimWarranty(
    orderUid: string,
    claim: ClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    const [order] = await queryRows<Pick<Order, 'itemUid'>>(
      this.orders.manager,
      'SELECT item_uid AS "itemUid" FROM orders WHERE order_uid = $1',
      [orderUid],
    );
    if (!order) throw orderNotFound(orderUid);
    return this.warehouse.claimWarranty(order.itemUid, claim, idempotencyKey);
  }

  /**
   * Marks the order CANCELED, returns the item to warehouse and closes its warranty — all or
   * nothing (a saga, see ../sagas/refund.saga.ts).
   */
  async cancel(orderUid: string, requestKey?: string): Promise<void> {
    await this.refunds.run(await this.get(orderUid), requestKey);
  }

  private async get(orderUid: string): Promise<Order> {
    const order = await this.orders.findOneBy({ orderUid });
    if (!order) throw orderNotFound(orderUid);
    return order;
  }
}
