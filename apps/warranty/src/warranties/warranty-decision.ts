import { WarrantyDecision, WarrantyStatus } from '@app/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface WarrantyTerms {
  status: WarrantyStatus;
  warrantyDate: Date;
}

/**
 * The contract's rule: within the warranty period and still ON_WARRANTY, the item is
 * exchanged when one is available and repaired otherwise; anything else is refused.
 */
export function decideClaim(
  warranty: WarrantyTerms,
  availableCount: number,
  now: Date,
  periodDays: number,
): WarrantyDecision {
  const expiresAt = warranty.warrantyDate.getTime() + periodDays * DAY_MS;
  const covered = warranty.status === WarrantyStatus.ON_WARRANTY && now.getTime() < expiresAt;
  if (!covered) return WarrantyDecision.REFUSE;
  return availableCount > 0 ? WarrantyDecision.RETURN : WarrantyDecision.FIXING;
}

export function statusAfter(decision: WarrantyDecision): WarrantyStatus {
  switch (decision) {
    case WarrantyDecision.RETURN:
    case WarrantyDecision.FIXING:
      return WarrantyStatus.USE_WARRANTY;
    case WarrantyDecision.REFUSE:
      return WarrantyStatus.REMOVED_FROM_WARRANTY;
  }
}
