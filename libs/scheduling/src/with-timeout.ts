export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = TimeoutError.name;
  }
}

/**
 * The work's result, or a TimeoutError once `ms` have passed (the work itself is not stopped).
 * The time-out is decided one turn of the event loop after its timer fires: a timer that fires
 * late because the loop was busy (large bodies parsed) must not fail work whose answer arrived
 * meanwhile and waits in the loop's I/O phase, which runs before `setImmediate`'s.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let decision: NodeJS.Immediate | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      decision = setImmediate(() => reject(new TimeoutError(what, ms)));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    clearImmediate(decision);
  }
}
