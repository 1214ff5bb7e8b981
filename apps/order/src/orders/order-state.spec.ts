import { OrderStatus } from '@app/contracts';
import { ConflictError } from '@app/errors';
import { assertCancelable } from './order-state';

const ORDER_UID = '0b8c3c5e-3d5a-4a8e-9d67-1f4f9a3b2c11';

describe(assertCancelable.name, () => {
  it('lets a paid order be canceled', () => {
    expect(() => assertCancelable({ orderUid: ORDER_UID, status: OrderStatus.PAID })).not.toThrow();
  });

  it('refuses to cancel a canceled order with a conflict naming it', () => {
    const sut = () => assertCancelable({ orderUid: ORDER_UID, status: OrderStatus.CANCELED });
    expect(sut).toThrow(ConflictError);
    expect(sut).toThrow(`Order '${ORDER_UID}' is already canceled`);
  });

  it('refuses to cancel an order that is not paid yet', () => {
    expect(() => assertCancelable({ orderUid: ORDER_UID, status: OrderStatus.WAITING })).toThrow(
      ConflictError,
    );
  });
});
