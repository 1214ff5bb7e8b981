import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import { tracingEnabled } from './start-tracing';

/**
 * Names each server span after its route (`POST /api/v1/store/:userUid/purchase`, with
 * `http.route`), as the semantic conventions ask: the HTTP instrumentation alone knows only the
 * method. Nothing is installed while tracing is off.
 */
export function installRouteNames(server: FastifyInstance): void {
  if (!tracingEnabled()) return;
  server.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const span = trace.getActiveSpan();
    if (route !== undefined && span)
      span.updateName(`${request.method} ${route}`).setAttribute('http.route', route);
    done();
  });
}
