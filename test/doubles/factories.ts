import { ItemSelection, Size } from '@app/contracts';
import { ClaimStatus, WarrantyClaim } from '../../apps/store/src/claims/warranty-claim.entity';
import { OrderSaga, SagaKind, SagaState } from '../../apps/order/src/sagas/order-saga.entity';

/** Fixed ids, so that an assertion can name what it expects. */
export const USER_UID = '6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b';
export const ORDER_UID = '0b8c3c5e-3d5a-4a8e-9d67-1f4f9a3b2c11';
export const ITEM_UID = '5a0e8c1d-2f4b-4c6a-9e8d-7b3a1c2d4e5f';
export const CLAIM_UID = '3f0c3c5e-3d5a-4a8e-9d67-1f4f9a3b2c11';
export const REQUEST_KEY = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
export const SELECTION: ItemSelection = { model: 'Lego 8070', size: Size.M };

/** A journal row of a saga; by default a purchase of SELECTION by USER_UID that just STARTED. */
export function makeSaga(kind: SagaKind, overrides: Partial<OrderSaga> = {}): OrderSaga {
  return Object.assign(new OrderSaga(), {
    id: 1,
    kind,
    orderUid: ORDER_UID,
    userUid: USER_UID,
    model: SELECTION.model,
    size: SELECTION.size,
    itemUid: null,
    state: SagaState.STARTED,
    requestKey: null,
    attempts: 0,
    nextAttemptAt: null,
    lockedUntil: null,
    lastError: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
}

/** A store claim row; by default one waiting after a first failed try. */
export function makeClaim(overrides: Partial<WarrantyClaim> = {}): WarrantyClaim {
  return Object.assign(new WarrantyClaim(), {
    claimUid: CLAIM_UID,
    orderUid: ORDER_UID,
    userUid: USER_UID,
    reason: 'Broken',
    status: ClaimStatus.PENDING,
    decision: null,
    warrantyDate: null,
    attempts: 1,
    lastError: 'Warranty Service unavailable',
    nextAttemptAt: new Date(),
    published: true,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  });
}
