import type { Application } from 'express';

interface RouteLayer {
  match(path: string): boolean;
  route?: { _methods(): string[] };
}

/**
 * The HTTP methods the Express app routes for a path. Express itself answers an unrouted method
 * with 404; this lets the error filter answer 405 with an `Allow` header instead.
 */
export function allowedMethods(app: Application, path: string): string[] {
  const stack = (app as unknown as { router?: { stack: RouteLayer[] } }).router?.stack ?? [];
  const methods = stack
    .filter((layer) => layer.route !== undefined && layer.match(path))
    .flatMap((layer) => layer.route?._methods() ?? [])
    .map((method) => method.toUpperCase());
  return [...new Set(methods)].sort();
}
