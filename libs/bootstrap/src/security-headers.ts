import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The usual security headers on every answer (helmet), tuned for a JSON API that also serves
 * Swagger UI: its page loads its own scripts and styles (`'self'`) and inline styles; nothing may
 * frame the API; no `X-Powered-By` (Express's is switched off too). HSTS is the TLS-terminating
 * ingress's to set, not a service's on plain HTTP.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
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
}
