import { Type } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { BaseServiceConfig } from './base-service.config';
import { IsServiceUrl } from './is-service-url';
import { ConfigValidationError, loadConfig } from './load-config';

class SampleConfig extends BaseServiceConfig {
  readonly serviceKey = 'order';
  readonly defaultDatabaseName = 'orders';
  override PORT = 8380;

  @IsServiceUrl()
  WAREHOUSE_SERVICE_URL = 'http://localhost:8280';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  WARRANTY_PERIOD_DAYS = 30;
}

describe(loadConfig.name, () => {
  it("uses the contract's defaults when nothing is set", () => {
    const sut = loadConfig(SampleConfig, {});
    expect(sut).toMatchObject({
      PORT: 8380,
      HTTP_TIMEOUT_MS: 3000,
      BREAKER_THRESHOLD: 3,
      BREAKER_HALF_OPEN_AFTER_MS: 10000,
      WARRANTY_PERIOD_DAYS: 30,
      WAREHOUSE_SERVICE_URL: 'http://localhost:8280',
    });
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut.databaseName).toBe('orders');
    expect(sut.embeddedDataDir).toBe('./data/order');
    expect(sut.serviceName).toBe('Order');
  });

  it('reads and converts the variables that are set; empty ones count as unset', () => {
    const sut = loadConfig(SampleConfig, {
      PORT: '9000',
      HTTP_TIMEOUT_MS: '',
      WARRANTY_PERIOD_DAYS: '7',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orders_e2e',
    });
    expect(sut).toMatchObject({ PORT: 9000, HTTP_TIMEOUT_MS: 3000, WARRANTY_PERIOD_DAYS: 7 });
    expect(sut.databaseName).toBe('orders_e2e');
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('fails once, listing every bad variable', () => {
    const load = () =>
      loadConfig(SampleConfig, {
        PORT: 'eighty',
        DATABASE_URL: 'mysql://localhost/orders',
        WAREHOUSE_SERVICE_URL: 'warehouse',
        BREAKER_THRESHOLD: '0',
      });
    expect(load).toThrow(ConfigValidationError);
    try {
      load();
    } catch (error) {
      const problems = (error as ConfigValidationError).problems.join('\n');
      for (const variable of ['PORT', 'DATABASE_URL', 'WAREHOUSE_SERVICE_URL', 'BREAKER_THRESHOLD']) {
        expect(problems).toContain(variable);
      }
    }
  });

  it('reads only UPPER_CASE variables, never the fixed per-service properties', () => {
    expect(loadConfig(SampleConfig, { serviceKey: 'store' }).serviceKey).toBe('order');
  });
});
