import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { contextFrom, REQUEST_ID_HEADER, runInContext } from './request-context';

export interface RequestContextOptions {
  /** false for the public gateway: its clients' X-Request-Budget-Ms is ignored. */
  trustBudget: boolean;
}

/**
 * The first middleware of every service: the request's context (id, trace context, deadline)
 * from its headers, the id echoed on the answer — errors included — and the rest of the request
 * run inside the context.
 */
export function requestContext({ trustBudget }: RequestContextOptions): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const context = contextFrom(request.headers, Date.now(), trustBudget);
    response.setHeader(REQUEST_ID_HEADER, context.requestId);
    runInContext(context, next);
  };
}
