import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { context as otelContext, propagation, trace } from '@opentelemetry/api';

/** What travels with a request from service to service, and into queued work. */
export interface RequestContext {
  /** Names the request in every log line of every service it touches (CONTRACT.md, Operations). */
  requestId: string;
  /** W3C trace context as the caller sent it. */
  traceparent?: string;
  tracestate?: string;
  /** Epoch ms by which the caller needs the answer (undefined: it set no limit). */
  deadline?: number;
}

export const REQUEST_ID_HEADER = 'X-Request-Id';
export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';
/**
 * How long the caller will wait for the answer, in ms from when the request was sent: each
 * service bounds its own calls by what is left of it, so that an answer — a 503 naming the
 * service that is down, a compensation done — reaches the caller before it gives up.
 */
export const BUDGET_HEADER = 'X-Request-Budget-Ms';

/** 1–128 characters of [A-Za-z0-9._:-]; anything else is replaced by a new id. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

const storage = new AsyncLocalStorage<RequestContext>();

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Runs `work` (and everything it starts) inside the context. With tracing on and no span active
 * (queued work, a worker), the context's trace becomes the parent of the spans `work` makes, so
 * that a claim processed an hour later joins the trace of the request that made it.
 */
export function runInContext<T>(context: RequestContext, work: () => T): T {
  if (!context.traceparent || trace.getActiveSpan()) return storage.run(context, work);
  const carrier = { [TRACEPARENT_HEADER]: context.traceparent, [TRACESTATE_HEADER]: context.tracestate };
  const traced = propagation.extract(otelContext.active(), carrier);
  return storage.run(context, () => otelContext.with(traced, work));
}

type Headers = Record<string, string | string[] | number | undefined>;

/** A header by name in any case: HTTP headers come in lower case, AMQP headers as they were written. */
function header(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : undefined;
}

/** The id the caller gave, if it is acceptable; else a new one. */
export function requestIdFrom(value: unknown): string {
  return typeof value === 'string' && REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Part of each hop's budget is kept for its answer to travel back: a fifth, at most 250 ms. It
 * also covers the time between the caller's send and this service's first hook, which the budget
 * does not count (event-loop lag on both sides; with a tenth, a 1 s budget's 100 ms was once
 * overrun on a loaded CI machine running PGlite, and the caller timed out on an answer on its way).
 */
function hopMargin(budgetMs: number): number {
  return Math.min(250, Math.round(budgetMs / 5));
}

/**
 * The context of an incoming request (HTTP headers) or of a queued message (its headers). A
 * caller's budget is taken only when `trustBudget`: a public gateway ignores its clients' (a
 * client must not make the gateway's calls time out, and so open its breakers for everyone).
 */
export function contextFrom(headers: Headers, receivedAt = Date.now(), trustBudget = true): RequestContext {
  const traceparent = header(headers, TRACEPARENT_HEADER);
  const budget = trustBudget ? Number(header(headers, BUDGET_HEADER)) : Number.NaN;
  const valid = TRACEPARENT.test(traceparent ?? '');
  return {
    requestId: requestIdFrom(header(headers, REQUEST_ID_HEADER)),
    traceparent: valid ? traceparent : undefined,
    tracestate: valid ? header(headers, TRACESTATE_HEADER) : undefined,
    deadline: Number.isFinite(budget) && budget > 0 ? receivedAt + budget - hopMargin(budget) : undefined,
  };
}

/** Milliseconds left until the current request's deadline (undefined: no deadline). */
export function timeLeftMs(context = currentContext()): number | undefined {
  return context?.deadline === undefined ? undefined : context.deadline - Date.now();
}

/**
 * The trace context to store with work done later for this request (a queued claim): the active
 * span's when tracing — the later work then hangs under this service's span — else the caller's
 * as it came.
 */
export function currentTraceparent(context = currentContext()): string | undefined {
  if (trace.getActiveSpan()) {
    const carrier: Record<string, string> = {};
    propagation.inject(otelContext.active(), carrier);
    if (carrier[TRACEPARENT_HEADER]) return carrier[TRACEPARENT_HEADER];
  }
  return context?.traceparent;
}

/**
 * The headers that carry the context on (request id, trace context), for HTTP and AMQP alike.
 * With tracing on, the instrumentations write the trace context of their own client spans: the
 * caller's is passed on as it came only when no span is active.
 */
export function propagationHeaders(context = currentContext()): Record<string, string> {
  if (!context) return {};
  const passTrace = !trace.getActiveSpan();
  return {
    [REQUEST_ID_HEADER]: context.requestId,
    ...(passTrace && context.traceparent ? { [TRACEPARENT_HEADER]: context.traceparent } : {}),
    ...(passTrace && context.tracestate ? { [TRACESTATE_HEADER]: context.tracestate } : {}),
  };
}
