import { OnApplicationShutdown } from '@nestjs/common';
import type { HealthReport } from '@app/health';
import { ServiceClient } from './service-client';

/**
 * Base of the typed API clients: owns the HTTP client and closes its connections on shutdown.
 * Every downstream service also answers the operations reads (the store's /manage/ops page),
 * through the same breaker as any other call: a service down for them is down.
 */
export abstract class DownstreamClient implements OnApplicationShutdown {
  constructor(protected readonly http: ServiceClient) {}

  /** `/manage/health`; a failing health (503) is thrown as the service being unavailable. */
  health(): Promise<HealthReport> {
    return this.http.get('/manage/health');
  }

  /** `/manage/prometheus`: the service's metrics in the Prometheus text format. */
  metrics(): Promise<string> {
    return this.http.getText('/manage/prometheus');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.http.close();
  }
}
