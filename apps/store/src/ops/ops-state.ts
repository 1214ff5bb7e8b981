/**
 * What `GET /manage/ops/state` answers: a snapshot of the whole system as the store sees it, for
 * the operations page (apps/web). Rates and percentiles are not in it: the page derives them
 * from two snapshots (the request counters are cumulative, like Prometheus' own).
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** `http_server_requests_seconds` of the service's API routes (not /manage), all summed. */
export interface RequestTotals {
  count: number;
  /** Cumulative histogram buckets: [upper bound in seconds, requests at or under it], the
   * finite ones (the +Inf bucket is `count`). */
  buckets: Array<[number, number]>;
}

export interface ServiceState {
  service: 'store' | 'order' | 'warehouse' | 'warranty';
  health: 'Work' | 'Fail';
  /** Why it fails: each failing component with its error, or why it could not be asked. */
  problems: string[];
  /** Null when its metrics could not be read. */
  requests: RequestTotals | null;
  /** The service's circuit breaker per service it calls. */
  breakers: Record<string, BreakerState>;
}

export interface OpsState {
  time: string;
  services: ServiceState[];
  /** The store's warranty claims per status (PENDING, DONE, FAILED). */
  claims: Record<string, number>;
  /** Claims in the dead-letter queue. */
  deadClaims: number;
  /** Order's sagas not finished yet; null when order's metrics could not be read. */
  unfinishedSagas: number | null;
}
