import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  CatalogueItemResponse,
  ClaimRequest,
  OrderItemResponse,
  Size,
  TakeItemRequest,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { isCheckViolation, isUniqueViolation, queryRows } from '@app/database';
import { NotFoundError } from '@app/errors';
import { WarrantyClient } from '@app/service-client';
import { Item } from './item.entity';
import { OrderItem } from './order-item.entity';
import { assertSameSelection, noneLeft, takeRefusal } from './stock-rules';

function orderItemNotFound(orderItemUid: string): NotFoundError {
  return new NotFoundError(`Order item '${orderItemUid}' not found`);
}

function toResponse(orderItem: OrderItem): OrderItemResponse {
  return {
    orderItemUid: orderItem.orderItemUid,
    orderUid: orderItem.orderUid,
    model: orderItem.item.model,
    size: orderItem.item.size,
  };
}

@Injectable()
export class StockService {
  constructor(
    @InjectRepository(Item) private readonly items: Repository<Item>,
    @InjectRepository(OrderItem) private readonly orderItems: Repository<OrderItem>,
    private readonly warranty: WarrantyClient,
  ) {}

  /**
   * Takes one unit for an order in a single statement: the conditional decrement and the
   * order item are written together or not at all, so parallel takes can never oversell.
   * Idempotent per order: a retry for the same order returns the unit it already has, and a
   * unit that was returned is taken again (the order service's saga uses this to undo a return).
   */
  async take(request: TakeItemRequest): Promise<OrderItemResponse> {
    const existing = await this.findByOrder(request);
    if (existing?.canceled) return this.retake(existing);
    if (existing) return toResponse(existing);
    try {
      const taken = await queryRows<{ order_item_uid: string }>(
        this.items.manager,
        `WITH taken AS (
           UPDATE items SET available_count = available_count - 1
           WHERE model = $1 AND size = $2 AND available_count > 0
           RETURNING id
         )
         INSERT INTO order_item (order_item_uid, order_uid, item_id)
         SELECT $3, $4, taken.id FROM taken
         RETURNING order_item_uid`,
        [request.model, request.size, randomUUID(), request.orderUid],
      );
      if (taken.length === 0) throw await this.whyNotTaken(request.model, request.size);
      return {
        orderItemUid: taken[0].order_item_uid,
        orderUid: request.orderUid,
        model: request.model,
        size: request.size,
      };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A parallel request for the same order won the race: answer with its unit.
      const winner = await this.findByOrder(request);
      if (!winner) throw error;
      return toResponse(winner);
    }
  }

  /**
   * Takes a returned unit back for its order in one statement: the order item is reopened and
   * the available count decremented together or not at all. The CHECK (available_count >= 0)
   * of the items table makes the decrement conditional without a second look at the stock: with
   * none left the whole statement fails and nothing changes. Safe to repeat: a unit that is
   * not canceled (any more) is left alone, so a parallel re-take cannot take two units.
   */
  private async retake(orderItem: OrderItem): Promise<OrderItemResponse> {
    try {
      await queryRows<{ id: number }>(
        this.items.manager,
        `WITH reopened AS (
           UPDATE order_item SET canceled = FALSE
           WHERE order_item_uid = $1 AND canceled
           RETURNING item_id
         )
         UPDATE items SET available_count = available_count - 1
         FROM reopened WHERE items.id = reopened.item_id
         RETURNING items.id`,
        [orderItem.orderItemUid],
      );
    } catch (error) {
      if (isCheckViolation(error)) throw noneLeft(orderItem.item.model, orderItem.item.size);
      throw error;
    }
    // Re-taken now, or by a parallel request just before: either way the unit is the order's.
    return toResponse(orderItem);
  }

  async find(orderItemUid: string): Promise<OrderItemResponse> {
    return toResponse(await this.getOrderItem(orderItemUid));
  }

  /**
   * Asks warranty for a decision, telling it how many units of the item are available now; the
   * claim's idempotency key goes along, so that a repeated claim gets the first decision.
   */
  async claimWarranty(
    orderItemUid: string,
    claim: ClaimRequest,
    idempotencyKey?: string,
  ): Promise<WarrantyDecisionResponse> {
    const orderItem = await this.getOrderItem(orderItemUid);
    return this.warranty.claim(
      orderItemUid,
      { reason: claim.reason, availableCount: orderItem.item.availableCount },
      idempotencyKey,
    );
  }

  /** Returns the unit to stock exactly once: the cancel flag and the increment go together. */
  async returnItem(orderItemUid: string): Promise<void> {
    const returned = await queryRows<{ id: number }>(
      this.items.manager,
      `WITH canceled AS (
         UPDATE order_item SET canceled = TRUE
         WHERE order_item_uid = $1 AND NOT canceled
         RETURNING item_id
       )
       UPDATE items SET available_count = available_count + 1
       FROM canceled WHERE items.id = canceled.item_id
       RETURNING items.id`,
      [orderItemUid],
    );
    if (returned.length > 0) return;
    if (!(await this.orderItems.existsBy({ orderItemUid }))) throw orderItemNotFound(orderItemUid);
  }

  async catalogue(): Promise<CatalogueItemResponse[]> {
    const items = await this.items.find({ order: { id: 'ASC' } });
    return items.map(({ model, size, availableCount }) => ({ model, size, availableCount }));
  }

  private async getOrderItem(orderItemUid: string): Promise<OrderItem> {
    const orderItem = await this.orderItems.findOne({ where: { orderItemUid }, relations: { item: true } });
    if (!orderItem) throw orderItemNotFound(orderItemUid);
    return orderItem;
  }

  private async findByOrder(request: TakeItemRequest): Promise<OrderItem | undefined> {
    const orderItem = await this.orderItems.findOne({
      where: { orderUid: request.orderUid },
      relations: { item: true },
    });
    if (!orderItem) return undefined;
    assertSameSelection(request.orderUid, orderItem.item, request);
    return orderItem;
  }

  private async whyNotTaken(model: string, size: Size): Promise<Error> {
    return takeRefusal(model, size, await this.items.existsBy({ model, size }));
  }
}
