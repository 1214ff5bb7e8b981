import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>;

export interface TokenOptions {
  /** RS256 (default) or ES256. */
  alg?: 'RS256' | 'ES256';
  /** A key the identity provider does not publish (yet). */
  unpublished?: boolean;
  /** Seconds from now; negative: already expired. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
}

/**
 * An identity provider for the tests: key pairs made at start (jose), their public halves served
 * as a JSON Web Key Set, tokens signed on demand. It can be taken down and brought back on the
 * same port, and keys published later (a rotation).
 */
export class JwksServer {
  static readonly ISSUER = 'https://identity.test/';
  static readonly AUDIENCE = 'store-api';

  private server?: Server;
  private readonly published: JWK[] = [];
  private readonly signing = new Map<string, { kid: string; key: SigningKey }>();
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }

  /** The store's settings that make it require tokens signed by this key set. */
  get storeAuthEnv(): Record<string, string> {
    return { AUTH_JWKS_URL: this.url, AUTH_ISSUER: JwksServer.ISSUER, AUTH_AUDIENCE: JwksServer.AUDIENCE };
  }

  /** How many times the key set was fetched. */
  fetches = 0;

  static async start(): Promise<JwksServer> {
    const jwks = new JwksServer();
    for (const alg of ['RS256', 'ES256'] as const) await jwks.addKey(alg, true);
    await jwks.listen();
    return jwks;
  }

  /** A new key pair; published in the key set or not (yet). Returns its key id. */
  async addKey(alg: 'RS256' | 'ES256', publish: boolean): Promise<string> {
    const key = await generateKeyPair(alg);
    const kid = `${alg}-${randomUUID().slice(0, 8)}`;
    this.signing.set(publish ? alg : `${alg}-unpublished`, { kid, key });
    if (publish) this.published.push({ ...(await exportJWK(key.publicKey)), kid, alg, use: 'sig' });
    return kid;
  }

  /** A signed token for `sub` (RS256 by default), valid for 5 minutes unless told otherwise. */
  async token(sub: string, options: TokenOptions = {}, claims: JWTPayload = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const signer = this.signing.get(options.unpublished ? `${alg}-unpublished` : alg);
    if (!signer) throw new Error(`No ${options.unpublished ? 'unpublished ' : ''}${alg} key: addKey first`);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg, kid: signer.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(options.issuer ?? JwksServer.ISSUER)
      .setAudience(options.audience ?? JwksServer.AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .sign(signer.key.privateKey);
  }

  /** The RSA public key in PEM: what an attacker would use as an HMAC secret. */
  async rsaPublicKeyPem(): Promise<string> {
    const signer = this.signing.get('RS256');
    if (!signer) throw new Error('No RS256 key');
    return exportSPKI(signer.key.publicKey);
  }

  /** Publishes the so far unpublished key of `alg` (a rotation at the identity provider). */
  async publishPending(alg: 'RS256' | 'ES256'): Promise<void> {
    const pending = this.signing.get(`${alg}-unpublished`);
    if (!pending) throw new Error(`No unpublished ${alg} key`);
    this.published.push({ ...(await exportJWK(pending.key.publicKey)), kid: pending.kid, alg, use: 'sig' });
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.fetches++;
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ keys: this.published }));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: the port refuses connections until `listen()` again. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
