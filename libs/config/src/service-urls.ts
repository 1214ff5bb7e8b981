/** The contract's default port of each service. */
export const DEFAULT_PORTS = { store: 8480, order: 8380, warehouse: 8280, warranty: 8180 } as const;

export type ServiceKey = keyof typeof DEFAULT_PORTS;

/** Where a service listens when nothing says otherwise: `http://localhost:<its default port>`. */
export function defaultServiceUrl(service: ServiceKey): string {
  return `http://localhost:${DEFAULT_PORTS[service]}`;
}
