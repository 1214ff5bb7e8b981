import type { ServiceSchema } from '@app/database';
import { Order } from '../orders/order.entity';
import { CreateOrders1764000000000 } from './migrations/1764000000000-create-orders';

export const orderSchema: ServiceSchema = {
  entities: [Order],
  migrations: [CreateOrders1764000000000],
};
