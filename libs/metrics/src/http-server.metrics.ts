import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { Histogram } from 'prom-client';
import { routeTemplate } from '@app/request-context';
import { MetricsRegistry } from './metrics.registry';

/** Seconds; from a cache hit to a request that waited out two time-outs. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * `http_server_requests_seconds{method, route, status}`: every answer, measured when it has been
 * sent — answers of the body parser (400, 413) and unrouted requests included.
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

  install(server: FastifyInstance): void {
    server.addHook('onResponse', (request, reply, done) => {
      this.histogram.observe(
        { method: request.method, route: routeTemplate(request), status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
