import { parsePrometheus } from '@app/metrics';
import { breakerStates, gaugeBy, requestTotals } from './ops-metrics';

const EXPOSITION = `# HELP http_server_requests_seconds Requests
# TYPE http_server_requests_seconds histogram
http_server_requests_seconds_bucket{le="0.1",method="GET",route="/api/v1/store/items",status="200",service="store"} 3
http_server_requests_seconds_bucket{le="+Inf",method="GET",route="/api/v1/store/items",status="200",service="store"} 4
http_server_requests_seconds_count{method="GET",route="/api/v1/store/items",status="200",service="store"} 4
http_server_requests_seconds_bucket{le="0.1",method="POST",route="/api/v1/store/:userUid/purchase",status="201",service="store"} 1
http_server_requests_seconds_bucket{le="+Inf",method="POST",route="/api/v1/store/:userUid/purchase",status="201",service="store"} 2
http_server_requests_seconds_count{method="POST",route="/api/v1/store/:userUid/purchase",status="201",service="store"} 2
http_server_requests_seconds_bucket{le="0.1",method="GET",route="/assets/:file",status="200",service="store"} 7
http_server_requests_seconds_bucket{le="+Inf",method="GET",route="/assets/:file",status="200",service="store"} 7
http_server_requests_seconds_count{method="GET",route="/assets/:file",status="200",service="store"} 7
http_server_requests_seconds_bucket{le="0.1",method="GET",route="/manage/health",status="200",service="store"} 50
http_server_requests_seconds_bucket{le="+Inf",method="GET",route="/manage/health",status="200",service="store"} 50
http_server_requests_seconds_count{method="GET",route="/manage/health",status="200",service="store"} 50
# HELP circuit_breaker_state Breakers
# TYPE circuit_breaker_state gauge
circuit_breaker_state{target="order",service="store"} 0
circuit_breaker_state{target="warehouse",service="store"} 1
circuit_breaker_state{target="warranty",service="store"} 2
# HELP warranty_claims Claims
# TYPE warranty_claims gauge
warranty_claims{status="PENDING",service="store"} 2
warranty_claims{status="DONE",service="store"} 5
# HELP warranty_claims_dead Dead
# TYPE warranty_claims_dead gauge
warranty_claims_dead{service="store"} 1
`;

describe('the operations page figures from a Prometheus exposition', () => {
  const samples = parsePrometheus(EXPOSITION);

  it("sums the API routes' request histograms, leaving out /manage and the web pages", () => {
    expect(requestTotals(samples)).toEqual({
      count: 6,
      buckets: [[0.1, 4]],
    });
  });

  it('reads each breaker by target', () => {
    expect(breakerStates(samples)).toEqual({ order: 'closed', warehouse: 'open', warranty: 'half-open' });
  });

  it('reads a gauge by one label', () => {
    expect(gaugeBy(samples, 'warranty_claims', 'status')).toEqual({ PENDING: 2, DONE: 5 });
  });
});
