import type { ServiceSchema } from '@app/database';
import { Item } from '../stock/item.entity';
import { OrderItem } from '../stock/order-item.entity';
import { CreateStock1764000000000 } from './migrations/1764000000000-create-stock';
import { SeedItems1764000000001 } from './migrations/1764000000001-seed-items';
import { VoidedOrders1764500000000 } from './migrations/1764500000000-voided-orders';

export const warehouseSchema: ServiceSchema = {
  entities: [Item, OrderItem],
  migrations: [CreateStock1764000000000, SeedItems1764000000001, VoidedOrders1764500000000],
};
