import type { ServiceSchema } from '@app/database';
import { ClaimDecision } from '../warranties/claim-decision.entity';
import { Warranty } from '../warranties/warranty.entity';
import { CreateWarranty1764000000000 } from './migrations/1764000000000-create-warranty';
import { AddClaimKey1764300000000 } from './migrations/1764300000000-add-claim-key';
import { ClaimDecisionsAndVoid1764500000000 } from './migrations/1764500000000-claim-decisions-and-void';

export const warrantySchema: ServiceSchema = {
  entities: [Warranty, ClaimDecision],
  migrations: [CreateWarranty1764000000000, AddClaimKey1764300000000, ClaimDecisionsAndVoid1764500000000],
};
