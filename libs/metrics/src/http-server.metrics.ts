import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics.registry';

/** Seconds; from a cache hit to a request that waited out two time-outs. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched: raw paths never become labels (bounded set). */
export const UNMATCHED_ROUTE = 'UNMATCHED';

/** The template of the route that served a request (`/api/v1/store/:userUid/orders`), never its raw path. */
export function routeTemplate(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : UNMATCHED_ROUTE;
}

/**
 * `http_server_requests_seconds{method, route, status}`: every answer, measured when it is sent.
 * `measure` is the first middleware of the app (see bootstrap), so that answers of the body
 * parser (400, 413) and unrouted requests count too.
 */
@Injectable()
export class HttpServerMetrics {
  private readonly histogram: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: MetricsRegistry) {
    this.histogram = new Histogram({
      name: 'http_server_requests_seconds',
      help: 'Requests this service answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  readonly measure = (request: Request, response: Response, next: NextFunction): void => {
    const stop = this.histogram.startTimer();
    response.once('finish', () =>
      stop({ method: request.method, route: routeTemplate(request), status: String(response.statusCode) }),
    );
    next();
  };
}
