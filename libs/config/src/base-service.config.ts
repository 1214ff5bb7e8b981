// The decorators below record design types, which needs the metadata polyfill loaded first.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const POSTGRES_URL = /^postgres(ql)?:\/\/\S+$/;
const AMQP_URL = /^amqps?:\/\/\S+$/;

/**
 * Environment shared by every service (see CONTRACT.md, "Services, ports, how each one starts").
 * Property names are the environment variable names so that the docs, the error messages and
 * the code use one vocabulary. Subclasses add the variables only their service reads.
 */
export abstract class BaseServiceConfig {
  /** The service's key: store | order | warehouse | warranty (also its ./data/ folder). */
  abstract readonly serviceKey: string;
  /** Name of the service's own database when DATABASE_URL does not say otherwise. */
  abstract readonly defaultDatabaseName: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  /**
   * The address to listen on: unset, every interface (as in a container); `127.0.0.1` keeps an
   * internal service on its machine.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.:[\]-]{1,253}$/, { message: 'HOST must be an IP address or a host name' })
  HOST?: string;

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @Matches(AMQP_URL, { message: 'AMQP_URL must be an amqp:// URL' })
  AMQP_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  HTTP_TIMEOUT_MS = 3000;

  /**
   * The longest a database statement may run (PostgreSQL's statement_timeout, and its
   * idle_in_transaction_session_timeout), and — 1 s later — the longest the service waits for
   * the server's answer at all: a hung or frozen database answers 503, never a hang. Migrations
   * are exempt. Not applied to the embedded engine (it runs inside the service).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(600_000)
  DB_STATEMENT_TIMEOUT_MS = 5000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  BREAKER_THRESHOLD = 3;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  BREAKER_HALF_OPEN_AFTER_MS = 10000;

  /** Log lines at this level and above (pino's levels). */
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** json: one JSON object per line (services, containers); pretty: for people at a terminal. */
  @IsIn(['json', 'pretty'], { message: 'LOG_FORMAT must be json or pretty' })
  LOG_FORMAT: 'json' | 'pretty' = 'json';

  /** Human-readable name, as in logs and in "Order Service unavailable". */
  get serviceName(): string {
    return this.serviceKey.charAt(0).toUpperCase() + this.serviceKey.slice(1);
  }

  /** The database in use: the one DATABASE_URL names, else the embedded default. */
  get databaseName(): string {
    if (!this.DATABASE_URL) return this.defaultDatabaseName;
    return decodeURIComponent(new URL(this.DATABASE_URL).pathname.slice(1)) || 'postgres';
  }

  /** Directory of the embedded database, used when DATABASE_URL is unset. */
  get embeddedDataDir(): string {
    return `./data/${this.serviceKey}`;
  }
}
