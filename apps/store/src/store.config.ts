import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, DEFAULT_PORTS, defaultServiceUrl, IsServiceUrl } from '@app/config';

export class StoreConfig extends BaseServiceConfig {
  readonly serviceKey = 'store';
  readonly defaultDatabaseName = 'store';
  override PORT = DEFAULT_PORTS.store;

  @IsServiceUrl()
  ORDER_SERVICE_URL = defaultServiceUrl('order');

  @IsServiceUrl()
  WAREHOUSE_SERVICE_URL = defaultServiceUrl('warehouse');

  @IsServiceUrl()
  WARRANTY_SERVICE_URL = defaultServiceUrl('warranty');

  /** RabbitMQ queue of queued warranty claims; its retry tiers and dead-letter queue are named after it. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/, {
    message: 'CLAIMS_QUEUE must be a queue name of letters, digits and . _ : - (at most 200)',
  })
  CLAIMS_QUEUE = 'warranty-claims';

  /** Back-off between the tries of a queued claim, in ms, comma-separated; the last one repeats. */
  @Matches(/^[1-9]\d*(,[1-9]\d*)*$/, {
    message: 'CLAIM_RETRY_DELAYS_MS must be positive milliseconds separated by commas, e.g. 1000,2000,5000',
  })
  CLAIM_RETRY_DELAYS_MS = '1000,2000,5000,10000,30000';

  /**
   * A waiting claim not tried for this long after its next try was due is published again: its
   * message was lost (a queue deleted, a broker restarted without its data). A second copy of a
   * message that was only slow is harmless.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CLAIM_OVERDUE_MS = 60_000;

  /** How long an Idempotency-Key and its answer are kept; the contract asks for at least 24 h. */
  @Type(() => Number)
  @IsInt()
  @Min(24)
  IDEMPOTENCY_TTL_HOURS = 24;

  /** Queued claims one store instance tries at once (RabbitMQ prefetch). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  CLAIMS_PREFETCH = 10;
}
