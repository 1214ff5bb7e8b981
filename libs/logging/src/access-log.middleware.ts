import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { currentContext } from '@app/request-context';
import { routeTemplate } from '@app/metrics';

/** Probes a platform sends every few seconds: at debug, not at info. */
const PROBES = /^\/manage\/(health|prometheus)/;

/**
 * One line per finished request: method, route template, status, duration in ms and the request's
 * id (taken when the request came in: the line is written when the answer has gone).
 */
export function accessLog(logger: Logger): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const started = performance.now();
    const requestId = currentContext()?.requestId;
    response.once('finish', () => {
      const status = response.statusCode;
      const level = status >= 500 ? 'error' : PROBES.test(request.path) ? 'debug' : 'info';
      logger[level](
        {
          requestId,
          method: request.method,
          route: routeTemplate(request),
          status,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
        },
        `${request.method} ${request.path} ${status}`,
      );
    });
    next();
  };
}
