export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The promise's value, or `undefined` when it has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long `eventually` polls unless told otherwise. */
export const EVENTUALLY_TIMEOUT_MS = 15_000;

/**
 * Polls `check` until it stops throwing (e.g. an `expect` inside it passes) and returns its value;
 * after `timeoutMs` the last failure is rethrown. For states reached asynchronously (a queue
 * drained, a breaker closed) — never a fixed sleep.
 */
export async function eventually<T>(
  check: () => Promise<T> | T,
  { timeoutMs = EVENTUALLY_TIMEOUT_MS, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await delay(intervalMs);
  }
}
