import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { contextFrom, REQUEST_ID_HEADER, RequestContext, runInContext } from './request-context';

export interface RequestContextOptions {
  /** false for the public gateway: its clients' X-Request-Budget-Ms is ignored. */
  trustBudget: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's context (id, trace context, deadline), taken from its headers on arrival. */
    requestContext?: RequestContext;
    /** Where the request's hooks run (its context, and the tracing span's): re-entered after the body. */
    requestScope?: AsyncResource;
  }
}

/** Whether a body follows the headers (RFC 9112 §6.3): only then is the request's scope left. */
function hasBody(headers: Record<string, unknown>): boolean {
  return headers['transfer-encoding'] !== undefined || (headers['content-length'] ?? '0') !== '0';
}

/**
 * The first hook of every service: the request's context (id, trace context, deadline) from its
 * headers, the id echoed on the answer — errors included — and the rest of the request run inside
 * the context. A body arrives on the socket's own events, outside the context (and outside the
 * tracing span): the request's scope is entered again once the body is read, before validation,
 * guards and the handler.
 */
export function installRequestContext(server: FastifyInstance, { trustBudget }: RequestContextOptions): void {
  server.decorateRequest('requestContext', undefined);
  server.decorateRequest('requestScope', undefined);
  server.addHook('onRequest', (request, reply, done) => {
    const context = contextFrom(request.headers, Date.now(), trustBudget);
    request.requestContext = context;
    reply.header(REQUEST_ID_HEADER, context.requestId);
    runInContext(context, () => {
      if (hasBody(request.headers)) request.requestScope = new AsyncResource('RequestScope');
      done();
    });
  });
  server.addHook('preValidation', (request, _reply, done) => {
    if (request.requestScope) request.requestScope.runInAsyncScope(done);
    else done();
  });
}
