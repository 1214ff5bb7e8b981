import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * The usual security headers on every answer of the public gateway (helmet), tuned for a JSON API that also serves
 * Swagger UI and the store's pages: they load their own scripts and styles (`'self'`) and inline
 * styles; nothing may frame them; no `X-Powered-By`. HSTS is the TLS-terminating ingress's to
 * set, not a service's on plain HTTP. Helmet sets them on the raw response, which Fastify's
 * answer keeps.
 */
export function installSecurityHeaders(server: FastifyInstance): void {
  const setHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'style-src': ["'self'", "'unsafe-inline'"],
        'frame-ancestors': ["'none'"],
        // Would send the pages' own scripts to https on a plain-HTTP address (an internal one,
        // compose on a LAN): TLS is the ingress's, as HSTS is.
        'upgrade-insecure-requests': null,
      },
    },
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
  server.addHook('onRequest', (request, reply, done) =>
    setHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)),
  );
}
