import { ApiError, newKey } from './api';

/**
 * Idempotency keys per intent ("buy Lego 8070 M", "refund order X"): a click while the first is
 * still on its way, or a retry after the store could not answer, reuses the key, so the store
 * does it once; once the store has answered, the next click is a new intent with a new key.
 */
export class Intents {
  private readonly keys = new Map<string, string>();
  private readonly running = new Set<string>();

  /** Runs `action` with the intent's key, unless the same intent is already running. */
  async run<T>(intent: string, action: (key: string) => Promise<T>): Promise<T | undefined> {
    if (this.running.has(intent)) return undefined;
    this.running.add(intent);
    const key = this.keys.get(intent) ?? newKey();
    this.keys.set(intent, key);
    try {
      const result = await action(key);
      this.keys.delete(intent);
      return result;
    } catch (error) {
      // Not answered (unreachable, 5xx: nothing was done): the retry keeps the key.
      if (error instanceof ApiError && error.status > 0 && error.status < 500) this.keys.delete(intent);
      throw error;
    } finally {
      this.running.delete(intent);
    }
  }
}
