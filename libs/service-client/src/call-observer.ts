/** How a call to another service ended, as metrics count it. */
export type CallOutcome =
  | 'success'
  /** A 4xx: an answer of a working service. */
  | 'client_error'
  /** A 5xx (including a 503 naming a service behind the callee). */
  | 'server_error'
  | 'timeout'
  /** Refused, reset, or otherwise no answer. */
  | 'connection_error'
  /** Not sent: the breaker was open. */
  | 'breaker_open';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Told about every call and every breaker transition (the metrics implement it). */
export interface CallObserver {
  called(target: string, outcome: CallOutcome, seconds: number): void;
  breakerChanged(target: string, state: BreakerState): void;
}

export const CALL_OBSERVER = Symbol('CALL_OBSERVER');

/** For a client nobody watches (unit specs). */
export const NO_CALL_OBSERVER: CallObserver = {
  called: () => undefined,
  breakerChanged: () => undefined,
};
