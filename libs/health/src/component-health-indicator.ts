import type { HealthIndicatorResult } from '@nestjs/terminus';

/** A component a service adds to its health report beside db and ping (e.g. broker). */
export interface ComponentHealthIndicator {
  check(): Promise<HealthIndicatorResult>;
}

export const EXTRA_HEALTH_INDICATORS = Symbol('EXTRA_HEALTH_INDICATORS');
