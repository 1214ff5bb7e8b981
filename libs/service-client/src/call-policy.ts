import { IPolicy, TimeoutStrategy, timeout } from 'cockatiel';

export interface CallPolicyOptions {
  timeoutMs: number;
}

/**
 * The resilience policy every call to one downstream service goes through. Built once per
 * target service, so that per-service state (later: its circuit breaker) is shared by all calls.
 * Aggressive: the call is abandoned at the deadline and its request aborted.
 */
export function createCallPolicy({ timeoutMs }: CallPolicyOptions): IPolicy {
  return timeout(timeoutMs, TimeoutStrategy.Aggressive);
}
