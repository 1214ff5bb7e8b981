import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { BaseServiceConfig } from '@app/config';

/** `SELECT 1` against the service's own database, reported with its name. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly typeOrm: TypeOrmHealthIndicator,
    private readonly config: BaseServiceConfig,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const result = await this.typeOrm.pingCheck('db', { timeout: 2000 });
    return {
      db: { ...result.db, name: this.config.databaseName, database: 'PostgreSQL' },
    };
  }
}
