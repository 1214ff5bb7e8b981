import type { ServiceSchema } from '@app/database';
import { WarrantyClaim } from '../claims/warranty-claim.entity';
import { IdempotencyRecord } from '../idempotency/idempotency-record.entity';
import { User } from '../users/user.entity';
import { CreateUsers1764000000000 } from './migrations/1764000000000-create-users';
import { SeedUsers1764000000001 } from './migrations/1764000000001-seed-users';
import { CreateWarrantyClaim1764300000000 } from './migrations/1764300000000-create-warranty-claim';
import { CreateIdempotencyRecord1764500000000 } from './migrations/1764500000000-create-idempotency-record';
import { ClaimRequestContext1764500000001 } from './migrations/1764500000001-claim-request-context';

export const storeSchema: ServiceSchema = {
  entities: [User, WarrantyClaim, IdempotencyRecord],
  migrations: [
    CreateUsers1764000000000,
    SeedUsers1764000000001,
    CreateWarrantyClaim1764300000000,
    CreateIdempotencyRecord1764500000000,
    ClaimRequestContext1764500000001,
  ],
};
