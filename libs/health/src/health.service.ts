import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.health';
import { healthReport, HealthReport } from './health-report';
import { ComponentHealthIndicator, EXTRA_HEALTH_INDICATORS } from './component-health-indicator';

@Injectable()
export class HealthService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: DatabaseHealthIndicator,
    @Inject(EXTRA_HEALTH_INDICATORS) private readonly extras: ComponentHealthIndicator[],
  ) {}

  async report(): Promise<HealthReport> {
    const checks = [
      () => this.database.check(),
      () => Promise.resolve(this.indicator.check('ping').up()),
      ...this.extras.map((extra) => () => extra.check()),
    ];
    return healthReport(await this.run(checks), new Date());
  }

  /** Terminus throws the full result when a component is down; both outcomes are a report. */
  private async run(checks: Parameters<HealthCheckService['check']>[0]): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
