import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { BaseServiceConfig, DEFAULT_PORTS } from '@app/config';

export class WarrantyConfig extends BaseServiceConfig {
  readonly serviceKey = 'warranty';
  readonly defaultDatabaseName = 'warranty';
  override PORT = DEFAULT_PORTS.warranty;

  /** How long a warranty lasts after the purchase. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  WARRANTY_PERIOD_DAYS = 30;
}
