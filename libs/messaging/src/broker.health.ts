import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { ComponentHealthIndicator } from '@app/health';
import { WorkQueue } from './work-queue';

/**
 * The `broker` component of /manage/health: RabbitMQ's connection (Fail while it is down), or
 * the embedded queue, which works whenever the database does.
 */
@Injectable()
export class BrokerHealthIndicator implements ComponentHealthIndicator {
  constructor(private readonly queue: WorkQueue) {}

  check(): Promise<HealthIndicatorResult> {
    const { up, type, error } = this.queue.health();
    return Promise.resolve({
      broker: up ? { status: 'up', type } : { status: 'down', message: error ?? 'unavailable', type },
    });
  }
}
