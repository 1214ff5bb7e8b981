import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { DataSource } from 'typeorm';
import { BaseServiceConfig } from '@app/config';
import { PglitePool } from '@app/database';
import { describeError } from '@app/errors';
import { withTimeout } from '@app/scheduling';

/** A health check must answer within this, even when the database hangs. */
export const DB_PING_TIMEOUT_MS = 2000;

/** `SELECT 1` against the service's own database, reported with its name. */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly config: BaseServiceConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('db');
    const details = { name: this.config.databaseName, database: 'PostgreSQL' };
    try {
      await withTimeout(this.ping(), DB_PING_TIMEOUT_MS, 'SELECT 1');
      return check.up(details);
    } catch (error) {
      return check.down({ ...details, message: describeError(error) });
    }
  }

  /** The embedded engine's ping goes ahead of the query runners waiting for its one session. */
  private async ping(): Promise<void> {
    const pool: unknown = (this.dataSource.driver as { master?: unknown }).master;
    if (pool instanceof PglitePool) return pool.ping();
    await this.dataSource.query('SELECT 1');
  }
}
