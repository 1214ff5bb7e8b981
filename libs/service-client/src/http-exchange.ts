import type { Dispatcher } from 'undici';

/** The methods the services call each other with. */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** An answer, read whole. */
export interface HttpAnswer {
  status: number;
  text: string;
  /** The first value of a response header, by its name in lower case. */
  header: (name: string) => string | undefined;
}

/** No answer came within the call's time: the request was aborted (or, still queued, never sent). */
export class CallTimedOutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = CallTimedOutError.name;
  }
}

function headerOf(rawHeaders: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toString('latin1').toLowerCase() === name) return rawHeaders[i + 1].toString('latin1');
  }
  return undefined;
}

/**
 * One request through an undici dispatcher (a keep-alive pool), its answer collected into a
 * string, given up after `timeoutMs`. Undici's `request()` would hand the answer over as a
 * Readable stream, and a time-out would be an AbortSignal that undici listens to (an
 * EventTarget listener added and removed per call): measured on a loopback JSON GET, the
 * dispatch handler costs the caller half the CPU of `request()` behind cockatiel's time-out
 * (docs/benchmarks.md, round five).
 */
export function exchange(
  dispatcher: Dispatcher,
  request: HttpRequest,
  timeoutMs: number,
): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    let abort: ((reason: Error) => void) | undefined;
    let timedOut: CallTimedOutError | undefined;
    let settled = false;
    let status = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      timedOut = new CallTimedOutError(timeoutMs);
      settled = true;
      reject(timedOut);
      abort?.(timedOut);
    }, timeoutMs);
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      outcome();
    };
    const handler: Dispatcher.DispatchHandlers = {
      // Called as the request is about to be written (again if undici re-sends it on a fresh
      // connection). One that timed out while it waited in the pool's queue is dropped here,
      // unsent: thrown, undici fails it alone and keeps the connection (aborting it would
      // close a connection nothing was written on).
      onConnect(abortRequest) {
        if (timedOut) throw timedOut;
        abort = abortRequest;
        status = 0;
        rawHeaders = [];
        chunks.length = 0;
      },
      // 1xx answers come first: the last status and headers are the answer's.
      onHeaders(statusCode, headers) {
        status = statusCode;
        rawHeaders = headers;
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        finish(() => {
          const text =
            chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
          resolve({ status, text, header: (name) => headerOf(rawHeaders, name) });
        });
      },
      onError(error) {
        finish(() => reject(error));
      },
    };
    // Every failure comes back through onError, a request undici refuses (a bad header) included.
    dispatcher.dispatch(request, handler);
  });
}
