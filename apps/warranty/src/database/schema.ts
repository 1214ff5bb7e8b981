import type { ServiceSchema } from '@app/database';
import { Warranty } from '../warranties/warranty.entity';
import { CreateWarranty1764000000000 } from './migrations/1764000000000-create-warranty';

export const warrantySchema: ServiceSchema = {
  entities: [Warranty],
  migrations: [CreateWarranty1764000000000],
};
