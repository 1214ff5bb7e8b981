import type { FastifyRequest } from 'fastify';

/** The route label of a request no route matched: raw paths never become labels (bounded set). */
export const UNMATCHED_ROUTE = 'UNMATCHED';

/** The template of the route that served a request (`/api/v1/store/:userUid/orders`), never its raw path. */
export function routeTemplate(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/** A request's path: its URL without the query string. */
export function requestPath(request: Pick<FastifyRequest, 'url'>): string {
  const query = request.url.indexOf('?');
  return query < 0 ? request.url : request.url.slice(0, query);
}
