import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { BaseServiceConfig } from '@app/config';

export class WarrantyConfig extends BaseServiceConfig {
  readonly serviceKey = 'warranty';
  readonly defaultDatabaseName = 'warranty';
  override PORT = 8180;

  /** How long a warranty lasts after the purchase. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  WARRANTY_PERIOD_DAYS = 30;
}
