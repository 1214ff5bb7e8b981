import { ConfigValidationError, loadConfig } from '@app/config';
import { StoreConfig } from './store.config';

describe('StoreConfig: security settings', () => {
  it('are all off by default', () => {
    const sut = loadConfig(StoreConfig, {});
    expect(sut.AUTH_JWKS_URL).toBeUndefined();
    expect(sut.RATE_LIMIT_PER_MINUTE).toBeUndefined();
    expect(sut.TRUST_PROXY).toBeUndefined();
    expect(sut).toMatchObject({
      AUTH_CLOCK_TOLERANCE_S: 30,
      AUTH_JWKS_COOLDOWN_MS: 30_000,
      RATE_LIMIT_WINDOW_MS: 60_000,
    });
  });

  it('reads a JWKS, issuer, audience, rate limit and trusted proxies; empty ones stay off', () => {
    const sut = loadConfig(StoreConfig, {
      AUTH_JWKS_URL: 'https://id.example.com/realms/shop/protocol/openid-connect/certs',
      AUTH_ISSUER: 'https://id.example.com/realms/shop',
      AUTH_AUDIENCE: 'store-api',
      RATE_LIMIT_PER_MINUTE: '120',
      TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
      HOST: '127.0.0.1',
      AUTH_CLOCK_TOLERANCE_S: '',
    });
    expect(sut).toMatchObject({
      AUTH_AUDIENCE: 'store-api',
      RATE_LIMIT_PER_MINUTE: 120,
      TRUST_PROXY: '10.0.0.0/8, 192.168.0.1',
      HOST: '127.0.0.1',
      AUTH_CLOCK_TOLERANCE_S: 30,
    });
  });

  it('refuses a JWKS that is not an http(s) URL, a limit below 1 and a proxy list it cannot read', () => {
    const load = () =>
      loadConfig(StoreConfig, {
        AUTH_JWKS_URL: 'file:///etc/keys.json',
        RATE_LIMIT_PER_MINUTE: '0',
        RATE_LIMIT_WINDOW_MS: '10',
        TRUST_PROXY: 'everyone please',
        HOST: 'two words',
      });
    expect(load).toThrow(ConfigValidationError);
    expect(load).toThrow(
      /AUTH_JWKS_URL[\s\S]*RATE_LIMIT_PER_MINUTE[\s\S]*RATE_LIMIT_WINDOW_MS[\s\S]*TRUST_PROXY/,
    );
    expect(load).toThrow(/HOST/);
  });
});

describe('StoreConfig: order lists taking turns', () => {
  it('lets lists of 1,600 orders in all be assembled at once by default', () => {
    expect(loadConfig(StoreConfig, {}).ORDER_LIST_ORDERS_AT_ONCE).toBe(1600);
  });

  it('refuses none at all, more than a million, and what is not a whole number', () => {
    for (const value of ['0', '1000001', '2.5', 'eight']) {
      expect(() => loadConfig(StoreConfig, { ORDER_LIST_ORDERS_AT_ONCE: value })).toThrow(
        /ORDER_LIST_ORDERS_AT_ONCE/,
      );
    }
  });
});
