import type { FastifyInstance, HTTPMethods } from 'fastify';

/** A route's path template as a pattern: `:name` matches one segment, `*` the rest. */
function patternOf(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  // Matched as the router matches: any letter case, with or without a trailing slash.
  return new RegExp(`^${source}/?$`, 'i');
}

/**
 * The HTTP methods routed for each path template, recorded as routes are registered (Fastify's
 * public `onRoute` hook). The router answers an unrouted method with 404; this lets the error
 * filter answer 405 with an `Allow` header instead.
 */
export class RoutedMethods {
  private readonly routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();

  record(template: string, method: HTTPMethods | HTTPMethods[]): void {
    let route = this.routes.get(template);
    if (!route) {
      route = { pattern: patternOf(template), methods: new Set() };
      this.routes.set(template, route);
    }
    for (const one of Array.isArray(method) ? method : [method]) route.methods.add(one.toUpperCase());
  }

  /** The methods routed for a concrete path, sorted, without repeats; none if no route matches. */
  allowedFor(path: string): string[] {
    const methods = new Set<string>();
    for (const { pattern, methods: routed } of this.routes.values()) {
      if (pattern.test(path)) routed.forEach((method) => methods.add(method));
    }
    return [...methods].sort();
  }

  /** Records every route the server registers from now on. */
  static of(server: FastifyInstance): RoutedMethods {
    const table = new RoutedMethods();
    server.addHook('onRoute', (route) => table.record(route.url, route.method));
    return table;
  }
}
