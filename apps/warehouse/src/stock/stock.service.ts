import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import {
  CatalogueItemResponse,
  ClaimRequest,
  OrderItemResponse,
  TakeItemRequest,
  VoidedOrderResponse,
  WarrantyDecisionResponse,
} from '@app/contracts';
import { isUniqueViolation, queryRows } from '@app/database';
import { NotFoundError } from '@app/errors';
import { WarrantyClient } from '@app/service-client';
import { Item } from './item.entity';
import { OrderItem } from './order-item.entity';
import { assertSameSelection, returnedAlready, takeRefusal } from './stock-rules';

function orderItemNotFound(orderItemUid: string): NotFoundError {
  return new NotFoundError(`Order item '${orderItemUid}' not found`);
}

/** A unit an order took; a voided order's place-holder (no item) is none. */
type HeldUnit = OrderItem & { item: Item };

function isUnit(orderItem: OrderItem | null): orderItem is HeldUnit {
  return orderItem !== null && orderItem.item !== null;
}

function toResponse(orderItem: HeldUnit): OrderItemResponse {
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
   * Idempotent per order: a retry for the same order returns the unit it already has. A unit
   * that was returned stays returned: a take for its order is a 409, so neither a late retry of
   * a purchase nor anything else can undo a finished refund or rollback. The order's earlier
   * unit is looked for only when the statement took none (the order holds one already — the
   * unique order_uid refuses a second, and the decrement goes with it — or none is left).
   */
  async take(request: TakeItemRequest): Promise<OrderItemResponse> {
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
      if (taken.length === 0) return await this.heldAlready(request);
      return {
        orderItemUid: taken[0].order_item_uid,
        orderUid: request.orderUid,
        model: request.model,
        size: request.size,
      };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The order holds a unit already (a retry, or a parallel request that won the race).
      return this.heldAlready(request);
    }
  }

  async find(orderItemUid: string): Promise<OrderItemResponse> {
    const [orderItem] = await this.findMany([orderItemUid]);
    if (!orderItem) throw orderItemNotFound(orderItemUid);
    return orderItem;
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
    const availableCount = await this.availableCountFor(orderItemUid);
    return this.warranty.claim(orderItemUid, { reason: claim.reason, availableCount }, idempotencyKey);
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

  /**
   * The order items among these uids that hold a unit, in one query (the order list's batch
   * read; one uid for a view). Hot: plain SQL, without the query builder's cost per call.
   */
  findMany(orderItemUids: string[]): Promise<OrderItemResponse[]> {
    return queryRows<OrderItemResponse>(
      this.items.manager,
      `SELECT order_item.order_item_uid AS "orderItemUid", order_item.order_uid AS "orderUid", items.model, items.size
         FROM order_item JOIN items ON items.id = order_item.item_id
        WHERE order_item.order_item_uid = ANY($1::uuid[])`,
      [orderItemUids],
    );
  }

  /**
   * The undo of a take, safe whatever happened to the take: the order's unit, if it has one,
   * goes back to stock (once), and the order can never take one again — a place-holder holds its
   * place should the take still arrive. Both writes are keyed on the order's unique order_item
   * row, so a take racing the void either wins (and is returned) or finds the place taken.
   * Answers with the order item that held the unit — the same on every repeat — so that the
   * purchase's compensation knows which warranty to void without having journaled it.
   */
  async voidOrder(orderUid: string): Promise<VoidedOrderResponse> {
    await queryRows(
      this.items.manager,
      `INSERT INTO order_item (order_item_uid, order_uid, item_id, canceled) VALUES ($1, $2, NULL, TRUE)
       ON CONFLICT (order_uid) DO NOTHING RETURNING id`,
      [randomUUID(), orderUid],
    );
    await queryRows(
      this.items.manager,
      `WITH canceled AS (
         UPDATE order_item SET canceled = TRUE WHERE order_uid = $1 AND NOT canceled RETURNING item_id
       )
       UPDATE items SET available_count = available_count + 1
       FROM canceled WHERE items.id = canceled.item_id
       RETURNING items.id`,
      [orderUid],
    );
    const [held] = await queryRows<VoidedOrderResponse>(
      this.items.manager,
      `SELECT order_item_uid AS "orderItemUid" FROM order_item WHERE order_uid = $1 AND item_id IS NOT NULL`,
      [orderUid],
    );
    return { orderItemUid: held?.orderItemUid ?? null };
  }

  async catalogue(): Promise<CatalogueItemResponse[]> {
    const items = await this.items.find({ order: { id: 'ASC' } });
    return items.map(({ model, size, availableCount }) => ({ model, size, availableCount }));
  }

  /**
   * How many units of an order item's item are available now, for a claim on it (a voided
   * order's place-holder holds no unit: not found). Plain SQL, as findMany: the query builder
   * with a relation cost CPU on every claim.
   */
  private async availableCountFor(orderItemUid: string): Promise<number> {
    const [unit] = await queryRows<{ availableCount: number }>(
      this.items.manager,
      `SELECT items.available_count AS "availableCount"
         FROM order_item JOIN items ON items.id = order_item.item_id
        WHERE order_item.order_item_uid = $1`,
      [orderItemUid],
    );
    if (!unit) throw orderItemNotFound(orderItemUid);
    return unit.availableCount;
  }

  private findByOrder(request: TakeItemRequest): Promise<OrderItem | null> {
    return this.orderItems.findOne({ where: { orderUid: request.orderUid }, relations: { item: true } });
  }

  /** The unit an order holds, for a take repeated for it; none once returned or voided. */
  private heldBy(orderItem: OrderItem, request: TakeItemRequest): OrderItemResponse {
    if (orderItem.canceled || !isUnit(orderItem)) throw returnedAlready(orderItem.orderUid);
    assertSameSelection(request.orderUid, orderItem.item, request);
    return toResponse(orderItem);
  }

  /** A take that took nothing, or met the order's unit: the unit the order holds, else why none. */
  private async heldAlready(request: TakeItemRequest): Promise<OrderItemResponse> {
    const held = await this.findByOrder(request);
    if (held) return this.heldBy(held, request);
    const { model, size } = request;
    throw takeRefusal(model, size, await this.items.existsBy({ model, size }));
  }
}
