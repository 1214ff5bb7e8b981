import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { DomainException, ErrorCode, UnauthenticatedError } from '@app/errors';
import { StoreConfig } from '../store.config';

/** The algorithms a token may be signed with: `none` and HMAC (a public key used as a secret) never. */
const ALGORITHMS = ['RS256', 'ES256'];
/** Longest wait for the identity provider's key set. */
const JWKS_TIMEOUT_MS = 3000;
/** Keys are kept this long before the set is fetched again, even with no unknown key id. */
const JWKS_MAX_AGE_MS = 10 * 60_000;
const BEARER = /^Bearer ([A-Za-z0-9\-_.]+)$/;

/** The identity provider's key set cannot be had now: a 503, never a 401 for a good token. */
export class KeySetUnavailableError extends DomainException {
  constructor() {
    super(ErrorCode.SERVICE_UNAVAILABLE, 'Identity provider unavailable: the token cannot be checked now');
  }
}

/**
 * Checks bearer tokens (JWT) against the identity provider's JSON Web Key Set, with jose: the
 * signature (RS256 or ES256), expiry and not-before with AUTH_CLOCK_TOLERANCE_S of skew, and the
 * issuer and audience when configured. The key set is fetched once, kept for ten minutes, and
 * fetched again when a token names a key it does not hold (at most once per
 * AUTH_JWKS_COOLDOWN_MS). Each request's token is checked once, however many guards ask.
 */
@Injectable()
export class TokenVerifier {
  private readonly keys?: JWTVerifyGetKey;
  private readonly verified = new WeakMap<FastifyRequest, Promise<string>>();

  constructor(private readonly config: StoreConfig) {
    if (config.AUTH_JWKS_URL) {
      this.keys = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL), {
        timeoutDuration: JWKS_TIMEOUT_MS,
        cooldownDuration: config.AUTH_JWKS_COOLDOWN_MS,
        cacheMaxAge: JWKS_MAX_AGE_MS,
      });
    }
  }

  /** Tokens are required (AUTH_JWKS_URL is set). */
  get enabled(): boolean {
    return this.keys !== undefined;
  }

  /** The subject (`sub`) of the request's valid bearer token; else a 401, or a 503 (key set). */
  subjectOf(request: FastifyRequest): Promise<string> {
    let subject = this.verified.get(request);
    if (!subject) {
      subject = this.verify(request.headers.authorization);
      this.verified.set(request, subject);
    }
    return subject;
  }

  private async verify(authorization: string | undefined): Promise<string> {
    const keys = this.keys;
    if (!keys) throw new Error('Tokens are not checked: AUTH_JWKS_URL is not set');
    if (authorization === undefined) {
      throw new UnauthenticatedError('A bearer token is required', { tokenPresented: false });
    }
    const token = BEARER.exec(authorization)?.[1];
    if (!token) {
      throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"', {
        tokenPresented: true,
      });
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: this.config.AUTH_ISSUER,
        audience: this.config.AUTH_AUDIENCE,
        clockTolerance: this.config.AUTH_CLOCK_TOLERANCE_S,
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new UnauthenticatedError('The token names no subject (sub)', { tokenPresented: true });
      }
      return payload.sub;
    } catch (error) {
      if (error instanceof DomainException) throw error;
      if (isKeySetUnavailable(error)) throw new KeySetUnavailableError();
      throw new UnauthenticatedError(`Invalid token: ${reasonOf(error)}`, { tokenPresented: true });
    }
  }
}

/**
 * What jose throws when the key set could not be had (time-out, refused connection, a non-200
 * answer, not a key set) as opposed to a token it refused.
 */
function isKeySetUnavailable(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // the fetch itself failed
  return (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    error.code === 'ERR_JOSE_GENERIC'
  );
}

/** Why jose refused the token, in words safe to show (never the token itself). */
function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `its "${error.claim}" claim is not accepted`;
  if (error instanceof errors.JWKSNoMatchingKey) return 'it is signed with an unknown key';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return `its algorithm is not accepted (${ALGORITHMS.join(' or ')})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  return 'it is malformed';
}
