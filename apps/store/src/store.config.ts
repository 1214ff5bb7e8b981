import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
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

  /**
   * Orders that the lists one store instance assembles at once may hold together; a list that
   * does not fit waits its turn (one longer than this is assembled alone). A list holds its
   * orders, items and warranties in memory until it is sent: this bounds that memory under a
   * burst (docs/benchmarks.md, rounds eight and nine). 1,600: sixteen lists of 100 orders.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  ORDER_LIST_ORDERS_AT_ONCE = 1600;

  /** Queued claims one store instance tries at once (RabbitMQ prefetch). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  CLAIMS_PREFETCH = 10;

  /**
   * Security (all off by default). AUTH_JWKS_URL: the JSON Web Key Set of the identity provider;
   * set, every /api/v1/store/{userUid}/… request needs a bearer token for that user.
   */
  @IsOptional()
  @IsServiceUrl()
  AUTH_JWKS_URL?: string;

  /** The `iss` a token must carry (checked when set). */
  @IsOptional()
  @IsString()
  AUTH_ISSUER?: string;

  /** The `aud` a token must carry (checked when set). */
  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  /** Clock skew allowed on `exp` and `nbf`, in seconds. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(300)
  AUTH_CLOCK_TOLERANCE_S = 30;

  /**
   * The shortest pause between two fetches of the key set when a token names a key it does not
   * hold (a rotation): the provider is not hammered by made-up key ids.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  AUTH_JWKS_COOLDOWN_MS = 30_000;

  /** Requests a client (the token's subject, else its address) may make a minute; unset: no limit. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE?: number;

  /**
   * The window RATE_LIMIT_PER_MINUTE counts over: a minute. Shorter only where waiting out a
   * minute costs too much (the tests).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  RATE_LIMIT_WINDOW_MS = 60_000;

  /**
   * Behind a reverse proxy or an ingress: which X-Forwarded-For hops to trust to find the
   * client's address — a number of hops, or addresses/subnets separated by commas
   * (Express's "trust proxy"). Unset: the connection's address.
   */
  @IsOptional()
  @Matches(/^(\d{1,2}|[0-9A-Fa-f.:/]+(,\s*[0-9A-Fa-f.:/]+)*|loopback|linklocal|uniquelocal)$/, {
    message: 'TRUST_PROXY must be a number of hops, or addresses/subnets separated by commas',
  })
  TRUST_PROXY?: string;
}
