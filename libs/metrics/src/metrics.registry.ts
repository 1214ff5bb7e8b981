import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The service's Prometheus registry: every metric of the service, with the label `service`, and
 * the process and Node.js defaults (CPU, memory, event-loop lag, GC, handles).
 */
export class MetricsRegistry extends Registry {
  constructor(serviceKey: string) {
    super();
    this.setDefaultLabels({ service: serviceKey });
    collectDefaultMetrics({ register: this });
  }
}
