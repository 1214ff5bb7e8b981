import { WarrantyDecision, WarrantyStatus } from '@app/contracts';
import { decideClaim, statusAfter, WarrantyTerms } from './warranty-decision';

const NOW = new Date('2026-11-24T10:00:00.000Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * 24 * 60 * 60 * 1000);

function terms(overrides: Partial<WarrantyTerms> = {}): WarrantyTerms {
  return { status: WarrantyStatus.ON_WARRANTY, warrantyDate: daysAgo(1), ...overrides };
}

describe(decideClaim.name, () => {
  it('returns the item when covered and one is available', () => {
    expect(decideClaim(terms(), 5, NOW, 30)).toBe(WarrantyDecision.RETURN);
  });

  it('fixes the item when covered and none is available', () => {
    expect(decideClaim(terms(), 0, NOW, 30)).toBe(WarrantyDecision.FIXING);
  });

  it('refuses once the period has passed', () => {
    expect(decideClaim(terms({ warrantyDate: daysAgo(30) }), 5, NOW, 30)).toBe(WarrantyDecision.REFUSE);
    expect(decideClaim(terms({ warrantyDate: daysAgo(29.9) }), 5, NOW, 30)).toBe(WarrantyDecision.RETURN);
  });

  it('honours a configured period', () => {
    expect(decideClaim(terms({ warrantyDate: daysAgo(5) }), 5, NOW, 7)).toBe(WarrantyDecision.RETURN);
    expect(decideClaim(terms({ warrantyDate: daysAgo(8) }), 5, NOW, 7)).toBe(WarrantyDecision.REFUSE);
  });

  it.each([WarrantyStatus.USE_WARRANTY, WarrantyStatus.REMOVED_FROM_WARRANTY])(
    'refuses a warranty in status %s',
    (status) => {
      expect(decideClaim(terms({ status }), 5, NOW, 30)).toBe(WarrantyDecision.REFUSE);
    },
  );
});

describe(statusAfter.name, () => {
  it.each([
    [WarrantyDecision.RETURN, WarrantyStatus.USE_WARRANTY],
    [WarrantyDecision.FIXING, WarrantyStatus.USE_WARRANTY],
    [WarrantyDecision.REFUSE, WarrantyStatus.REMOVED_FROM_WARRANTY],
  ])('%s leaves the warranty %s', (decision, status) => {
    expect(statusAfter(decision)).toBe(status);
  });
});
