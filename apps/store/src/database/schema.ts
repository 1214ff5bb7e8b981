import type { ServiceSchema } from '@app/database';
import { User } from '../users/user.entity';
import { CreateUsers1764000000000 } from './migrations/1764000000000-create-users';
import { SeedUsers1764000000001 } from './migrations/1764000000001-seed-users';

export const storeSchema: ServiceSchema = {
  entities: [User],
  migrations: [CreateUsers1764000000000, SeedUsers1764000000001],
};
