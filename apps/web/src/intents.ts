import { ApiError, newKey } from './api';

/**
 * Idempotency keys per intent ("buy Lego 8070 M", "refund order X"): a click while the first is
 * still on its way, a retry after the store's answer was lost, or a reload of the page reuses the
 * key, so the store does it once; once the store has given its final answer, the next click is a
 * new intent with a new key. Kept in sessionStorage (this tab), under the customer and intent.
 */
export class Intents {
  private readonly running = new Set<string>();

  constructor(private readonly scope: string) {}

  /** Runs `action` with the intent's key, unless the same intent is already running. */
  async run<T>(intent: string, action: (key: string) => Promise<T>): Promise<T | undefined> {
    if (this.running.has(intent)) return undefined;
    this.running.add(intent);
    const slot = `intent:${this.scope}:${intent}`;
    const key = sessionStorage.getItem(slot) ?? newKey();
    sessionStorage.setItem(slot, key);
    try {
      const result = await action(key);
      sessionStorage.removeItem(slot);
      return result;
    } catch (error) {
      if (isFinalAnswer(error)) sessionStorage.removeItem(slot);
      throw error;
    } finally {
      this.running.delete(intent);
    }
  }
}

/**
 * Whether the store has decided: a 4xx other than "still running" (409 with Retry-After) and
 * "too many requests" (429). Unreachable, a lost answer or a 5xx (nothing was kept): the retry
 * keeps the key.
 */
function isFinalAnswer(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) return false;
  return !(error.status === 429 || (error.status === 409 && error.retryAfter !== undefined));
}
