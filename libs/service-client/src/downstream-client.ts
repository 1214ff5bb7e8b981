import { OnApplicationShutdown } from '@nestjs/common';
import { ServiceClient } from './service-client';

/** Base of the typed API clients: owns the HTTP client and closes its connections on shutdown. */
export abstract class DownstreamClient implements OnApplicationShutdown {
  constructor(protected readonly http: ServiceClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.http.close();
  }
}
