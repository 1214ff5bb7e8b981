import type { NextFunction, Request, Response } from 'express';
import { contextFrom, REQUEST_ID_HEADER, runInContext } from './request-context';

/**
 * The first middleware of every service: the request's context (id, trace context, deadline)
 * from its headers, the id echoed on the answer — errors included — and the rest of the request
 * run inside the context.
 */
export function requestContext(request: Request, response: Response, next: NextFunction): void {
  const context = contextFrom(request.headers);
  response.setHeader(REQUEST_ID_HEADER, context.requestId);
  runInContext(context, next);
}
