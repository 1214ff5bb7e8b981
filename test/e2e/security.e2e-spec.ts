import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  ALEX_UID,
  eventually,
  expectError,
  freePorts,
  HttpClient,
  JwksServer,
  paths,
  ServiceProcess,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * The gateway's security (CONTRACT.md, "Security"), switched on: tokens checked against a JWKS
 * served by the test (keys made with jose at start), a rate limit, security headers; and no
 * secret in what a service logs or answers.
 */
const RATE_LIMIT = 30;
/** The rate limit's window, shortened from a minute so that the test waits it out quickly. */
const RATE_LIMIT_WINDOW_S = 8;
/** Short, so that the tests of a rotation and of an outage do not wait 30 s. */
const JWKS_COOLDOWN_MS = 300;

describe('security: tokens, rate limits, headers', () => {
  let jwks: JwksServer;
  let system: TestSystem;
  let store: HttpClient;

  beforeAll(async () => {
    jwks = await JwksServer.start();
    system = await TestSystem.start({
      serviceEnv: {
        store: {
          ...jwks.storeAuthEnv,
          AUTH_JWKS_COOLDOWN_MS: String(JWKS_COOLDOWN_MS),
          RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
          RATE_LIMIT_WINDOW_MS: String(RATE_LIMIT_WINDOW_S * 1000),
        },
      },
    });
    store = system.http('store');
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
    await jwks?.close();
  });

  const orders = (token?: string, user = ALEX_UID) =>
    store.get(
      paths.storeOrders(user),
      token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
    );

  function expectRefused(answer: Awaited<ReturnType<typeof orders>>, message: RegExp): void {
    expectError(answer, 401, message);
    expect(answer.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  }

  it('leaves the catalogue, health, metrics and API docs open', async () => {
    expect((await store.get(paths.storeItems)).status).toBe(200);
    expect((await store.get('/manage/health')).status).toBe(200);
    expect((await store.get('/manage/prometheus', { notJson: true })).status).toBe(200);
    const docs = await store.get('/api-docs-json');
    expect(docs.status).toBe(200);
    expect(docs.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('asks for a token: 401 with WWW-Authenticate: Bearer, nothing else about the user', async () => {
    const answer = await orders();
    expectError(answer, 401, 'A bearer token is required');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    // An unknown user gets the same answer: no token, no hint of who exists.
    expect((await orders(undefined, randomUUID())).status).toBe(401);
    expectRefused(
      await store.get(paths.storeOrders(ALEX_UID), { headers: { authorization: 'Basic YTpi' } }),
      /Bearer/,
    );
  });

  it('accepts a valid RS256 or ES256 token of the user', async () => {
    expect((await orders(await jwks.token(ALEX_UID))).status).toBe(200);
    expect((await orders(await jwks.token(ALEX_UID, { alg: 'ES256' }))).status).toBe(200);
  });

  it("answers 403 to a valid token of another user, before saying whether the path's user exists", async () => {
    const answer = await orders(await jwks.token(randomUUID()));
    expectError(answer, 403, `This token is not for user '${ALEX_UID}'`);
    expect((await orders(await jwks.token(ALEX_UID), randomUUID())).status).toBe(403);
  });

  it('refuses expired tokens, beyond the clock skew allowed', async () => {
    expectRefused(await orders(await jwks.token(ALEX_UID, { expiresIn: -120 })), /expired/);
    // Within the 30 s of skew: still good.
    expect((await orders(await jwks.token(ALEX_UID, { expiresIn: -5 }))).status).toBe(200);
  });

  it('refuses another issuer or audience', async () => {
    expectRefused(await orders(await jwks.token(ALEX_UID, { issuer: 'https://evil.test/' })), /"iss"/);
    expectRefused(await orders(await jwks.token(ALEX_UID, { audience: 'another-api' })), /"aud"/);
  });

  it('refuses a key it does not know, alg none, a tampered signature and HMAC with the public key', async () => {
    await jwks.addKey('ES256', false); // never published
    expectRefused(
      await orders(await jwks.token(ALEX_UID, { unpublished: true, alg: 'ES256' })),
      /unknown key/,
    );

    const unsigned = new UnsecuredJWT({ sub: ALEX_UID })
      .setIssuer(JwksServer.ISSUER)
      .setAudience(JwksServer.AUDIENCE)
      .setExpirationTime('5m')
      .encode();
    expectRefused(await orders(unsigned), /malformed|algorithm/);

    const [header, , signature] = (await jwks.token(randomUUID())).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: ALEX_UID, iss: JwksServer.ISSUER, aud: JwksServer.AUDIENCE, exp: 9_999_999_999 }),
    ).toString('base64url');
    expectRefused(await orders(`${header}.${forged}.${signature}`), /signature/);

    const [, kid] = /"kid":"([^"]+)"/.exec(Buffer.from(header, 'base64url').toString()) ?? [];
    const confused = await new SignJWT({ sub: ALEX_UID })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setIssuer(JwksServer.ISSUER)
      .setAudience(JwksServer.AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(await jwks.rsaPublicKeyPem()));
    expectRefused(await orders(confused), /algorithm/);
  });

  it('answers an 8 KB token at once, with a 401', async () => {
    const huge = `${'a'.repeat(4000)}.${'b'.repeat(4000)}.${'c'.repeat(200)}`;
    expectRefused(await orders(huge), /malformed/);
  });

  it('fetches the key set again for a key it does not hold yet (a rotation)', async () => {
    const kid = await jwks.addKey('RS256', false);
    const token = await jwks.token(ALEX_UID, { unpublished: true });
    // Signed with the new key, which the key set does not hold yet:
    expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toMatchObject({ kid });
    await jwks.publishPending('RS256');
    // Within the cool-down the set is not fetched again; after it, the new key is found.
    await eventually(async () => expect((await orders(token)).status).toBe(200), { timeoutMs: 10_000 });
  });

  it('answers 503 while the key set cannot be fetched, and 200 once it can', async () => {
    await jwks.addKey('ES256', false);
    const token = await jwks.token(ALEX_UID, { unpublished: true, alg: 'ES256' });
    await jwks.close();
    try {
      await eventually(async () => expectError(await orders(token), 503, /Identity provider unavailable/), {
        timeoutMs: 10_000,
      });
      // Tokens of the keys it holds are still checked: an outage does not lock everybody out.
      expect((await orders(await jwks.token(ALEX_UID))).status).toBe(200);
    } finally {
      await jwks.listen();
    }
    await jwks.publishPending('ES256');
    await eventually(async () => expect((await orders(token)).status).toBe(200), { timeoutMs: 10_000 });
  });

  it('sets the security headers on every answer, and no X-Powered-By anywhere', async () => {
    for (const answer of [await store.get(paths.storeItems), await orders(), await store.get('/nowhere')]) {
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(answer.headers.get('x-powered-by')).toBeNull();
    }
    for (const service of ['order', 'warehouse', 'warranty'] as const) {
      expect((await system.http(service).get('/manage/health')).headers.get('x-powered-by')).toBeNull();
    }
    const ui = await store.get('/api-docs/', { notJson: true });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('limits each client to RATE_LIMIT_PER_MINUTE: 429 with Retry-After, and serves it again after the window', async () => {
    // A client of its own (the token's subject), so that the other tests' requests do not count.
    const token = await jwks.token(randomUUID());
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT; i++) statuses.push((await orders(token)).status);
    expect(statuses.filter((status) => status === 429)).toEqual([]);

    const limited = await orders(token);
    expectError(limited, 429, `Too many requests: at most ${RATE_LIMIT} every ${RATE_LIMIT_WINDOW_S} s`);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(RATE_LIMIT_WINDOW_S);
    // Another client is not held up by this one.
    expect((await orders(await jwks.token(ALEX_UID))).status).toBe(200);
    // Health and metrics are never limited.
    expect((await store.get('/manage/health')).status).toBe(200);

    await eventually(async () => expect((await orders(token)).status).toBe(403), {
      timeoutMs: (retryAfter + 5) * 1000,
      intervalMs: 1000,
    });
  }, 90_000);
});

describe('security: no secret in logs or answers', () => {
  it(
    'a service given a database URL with a password never shows the password',
    async () => {
      const password = `pw-${randomUUID()}`;
      const [port, closedPort] = await freePorts(2);
      const workDir = await mkdtemp(join(tmpdir(), 'store-e2e-secret-'));
      const warranty = new ServiceProcess({
        service: 'warranty',
        port,
        workDir,
        env: { DATABASE_URL: `postgres://shop:${password}@127.0.0.1:${closedPort}/warranty` },
        startTimeoutMs: 15_000,
      });
      const started = await warranty.start().then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      try {
        if (!started) {
          // Up without its database: its answers must not show the URL either.
          const health = await new HttpClient(warranty.url).get('/manage/health', { notJson: true });
          expect(health.text).not.toContain(password);
        } else {
          expect(started.message).not.toContain(password);
        }
      } finally {
        await warranty.stop().catch(() => warranty.kill());
      }
      const log = await readFile(warranty.logFile, 'utf8');
      expect(log).toMatch(/database|ECONNREFUSED|connect/i);
      expect(log).not.toContain(password);
      await rm(workDir, { recursive: true, force: true });
    },
    SYSTEM_TIMEOUT_MS,
  );
});
