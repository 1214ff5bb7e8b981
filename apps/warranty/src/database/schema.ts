import type { ServiceSchema } from '@app/database';
import { Warranty } from '../warranties/warranty.entity';
import { CreateWarranty1764000000000 } from './migrations/1764000000000-create-warranty';
import { AddClaimKey1764300000000 } from './migrations/1764300000000-add-claim-key';

export const warrantySchema: ServiceSchema = {
  entities: [Warranty],
  migrations: [CreateWarranty1764000000000, AddClaimKey1764300000000],
};
