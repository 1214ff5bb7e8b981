import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { requestPath, routeTemplate } from '@app/request-context';

/** Probes a platform sends every few seconds: at debug, not at info. */
const PROBES = /^\/manage\/(health|prometheus)/;

/**
 * One line per finished request: method, route template, status, duration in ms and the request's
 * id (taken when the request came in: the line is written when the answer has gone).
 */
export function installAccessLog(server: FastifyInstance, logger: Logger): void {
  server.addHook('onResponse', (request, reply, done) => {
    const status = reply.statusCode;
    const path = requestPath(request);
    const level = status >= 500 ? 'error' : PROBES.test(path) ? 'debug' : 'info';
    if (logger.isLevelEnabled(level)) {
      logger[level](
        {
          requestId: request.requestContext?.requestId,
          method: request.method,
          route: routeTemplate(request),
          status,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
        },
        `${request.method} ${path} ${status}`,
      );
    }
    done();
  });
}
