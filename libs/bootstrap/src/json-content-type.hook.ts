import type { FastifyInstance } from 'fastify';

/**
 * The contract wants `Content-Type: application/json` exactly; Fastify appends `; charset=utf-8`
 * to JSON answers. JSON is UTF-8 by definition, so the parameter is dropped.
 */
export function installExactJsonContentType(server: FastifyInstance): void {
  server.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type !== 'application/json' && /^application\/json\b/i.test(type)) {
      reply.header('content-type', 'application/json');
    }
    done(null, payload);
  });
}
