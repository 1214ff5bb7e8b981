/**
 * A typed stand-in for a collaborator: every method is a `jest.fn()` (created on first use), and
 * the ones given are used as they are. `mockOf<ClaimRecords>({ find: jest.fn().mockResolvedValue(claim) })`.
 */
export function mockOf<T extends object>(implementations: Partial<jest.Mocked<T>> = {}): jest.Mocked<T> {
  const created = new Map<PropertyKey, jest.Mock>();
  return new Proxy(implementations as jest.Mocked<T>, {
    get(target, property) {
      if (property in target) return target[property as keyof T];
      if (property === 'then') return undefined; // not a promise
      if (!created.has(property)) created.set(property, jest.fn());
      return created.get(property);
    },
  });
}
