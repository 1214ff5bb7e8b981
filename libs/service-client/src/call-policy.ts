import { CircuitBreakerPolicy, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import { DomainException } from '@app/errors';

export interface CallPolicyOptions {
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one trial call is let through. */
  halfOpenAfterMs: number;
}

export interface CallPolicy {
  breaker: CircuitBreakerPolicy;
  /**
   * The longest one call may take (HTTP_TIMEOUT_MS); a caller's shorter budget cuts it further.
   * Kept by the exchange itself (its own timer aborts the request): cockatiel's time-out policy
   * would add an AbortController and two EventTarget listeners to every call.
   */
  timeoutMs: number;
}

/**
 * Only unavailability is a fault: refused connections, time-outs and 5xx. A 4xx of the callee,
 * or its "<Other> Service unavailable", is an answer from a working service (a DomainException).
 */
export function isUnavailability(error: Error): boolean {
  return !(error instanceof DomainException);
}

/**
 * The resilience policy every call to one downstream service goes through, built once per target
 * service so that all calls to it share one breaker: breaker(call with a time-out). A time-out
 * counts as a failure of the breaker; while the breaker is open calls fail at once.
 */
export function createCallPolicy(options: CallPolicyOptions): CallPolicy {
  const breaker = circuitBreaker(handleWhen(isUnavailability), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  return { breaker, timeoutMs: options.timeoutMs };
}
