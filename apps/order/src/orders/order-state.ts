import { OrderStatus } from '@app/contracts';
import { ConflictError } from '@app/errors';

/** Only a paid order can be returned; a canceled one was returned already. */
export function assertCancelable(order: { orderUid: string; status: OrderStatus }): void {
  switch (order.status) {
    case OrderStatus.PAID:
      return;
    case OrderStatus.CANCELED:
      throw new ConflictError(`Order '${order.orderUid}' is already canceled`);
    case OrderStatus.WAITING:
      throw new ConflictError(`Order '${order.orderUid}' is not paid yet`);
  }
}
