import type { ServiceSchema } from '@app/database';
import { Order } from '../orders/order.entity';
import { OrderSaga } from '../sagas/order-saga.entity';
import { CreateOrders1764000000000 } from './migrations/1764000000000-create-orders';
import { CreateOrderSaga1764100000000 } from './migrations/1764100000000-create-order-saga';
import { SagaPivot1764500000000 } from './migrations/1764500000000-saga-pivot';

export const orderSchema: ServiceSchema = {
  entities: [Order, OrderSaga],
  migrations: [CreateOrders1764000000000, CreateOrderSaga1764100000000, SagaPivot1764500000000],
};
