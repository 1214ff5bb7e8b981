import { Sample } from '@app/metrics';
import { BreakerState, RequestTotals } from './ops-state';

const BREAKER_STATES: Record<number, BreakerState> = { 0: 'closed', 1: 'open', 2: 'half-open' };

const isApiRoute = (sample: Sample) => (sample.labels.route ?? '').startsWith('/api/');

/** The API's requests (not /manage, not the web pages), all routes summed. */
export function requestTotals(samples: Sample[]): RequestTotals {
  const buckets = new Map<number, number>();
  let count = 0;
  for (const sample of samples) {
    if (!isApiRoute(sample)) continue;
    if (sample.name === 'http_server_requests_seconds_count') count += sample.value;
    // The +Inf bucket is the count; the finite ones are kept (JSON has no Infinity).
    if (sample.name === 'http_server_requests_seconds_bucket' && sample.labels.le !== '+Inf') {
      const le = Number(sample.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
    }
  }
  return { count, buckets: [...buckets].sort(([a], [b]) => a - b) };
}

/** `circuit_breaker_state{target}`: each target's breaker. */
export function breakerStates(samples: Sample[]): Record<string, BreakerState> {
  return Object.fromEntries(
    samples
      .filter((sample) => sample.name === 'circuit_breaker_state' && sample.labels.target)
      .map((sample) => [sample.labels.target, BREAKER_STATES[sample.value] ?? 'closed']),
  );
}

/** A gauge's values by one label, e.g. `warranty_claims` by `status`. */
export function gaugeBy(samples: Sample[], name: string, label: string): Record<string, number> {
  return Object.fromEntries(
    samples.filter((sample) => sample.name === name).map((sample) => [sample.labels[label], sample.value]),
  );
}
