import { Injectable } from '@nestjs/common';
import { describeError } from '@app/errors';
import { HealthReport, HealthService } from '@app/health';
import { MetricsRegistry, parsePrometheus, Sample, sampleValue } from '@app/metrics';
import { DownstreamClient, OrderClient, WarehouseClient, WarrantyClient } from '@app/service-client';
import { breakerStates, gaugeBy, requestTotals } from './ops-metrics';
import { OpsState, ServiceState } from './ops-state';

function parseOrNothing(text: string): Sample[] | undefined {
  try {
    return parsePrometheus(text);
  } catch {
    return undefined; // not the metrics of one of ours: shown as unreadable
  }
}

/** The failing components of a health report, each with its error. */
function problemsOf(report: HealthReport): string[] {
  return Object.entries(report.components)
    .filter(([, component]) => 'status' in component && component.status === 'Fail')
    .map(([name, component]) => `${name}: ${'error' in component ? String(component.error) : 'failing'}`);
}

function serviceState(
  service: ServiceState['service'],
  health: PromiseSettledResult<HealthReport>,
  samples: Sample[] | undefined,
): ServiceState {
  return {
    service,
    health: health.status === 'fulfilled' ? health.value.status : 'Fail',
    problems: health.status === 'fulfilled' ? problemsOf(health.value) : [describeError(health.reason)],
    requests: samples ? requestTotals(samples) : null,
    breakers: samples ? breakerStates(samples) : {},
  };
}

/**
 * The operations page's data: every service's health and metrics, read by the store (the browser
 * never talks to the internal services), the store's own without a call.
 */
@Injectable()
export class OpsStateService {
  private readonly downstream: Array<[ServiceState['service'], DownstreamClient]>;

  constructor(
    private readonly health: HealthService,
    private readonly registry: MetricsRegistry,
    order: OrderClient,
    warehouse: WarehouseClient,
    warranty: WarrantyClient,
  ) {
    this.downstream = [
      ['order', order],
      ['warehouse', warehouse],
      ['warranty', warranty],
    ];
  }

  async state(): Promise<OpsState> {
    const [own, ...others] = await Promise.all([
      this.read(this.health.report(), this.registry.metrics()),
      ...this.downstream.map(([, client]) => this.read(client.health(), client.metrics())),
    ]);
    const store = own.samples ?? [];
    const order = others[0].samples;
    const sagas = order && sampleValue(order, 'sagas_unfinished');
    return {
      time: new Date().toISOString(),
      services: [
        serviceState('store', own.health, own.samples),
        ...this.downstream.map(([service], index) =>
          serviceState(service, others[index].health, others[index].samples),
        ),
      ],
      claims: gaugeBy(store, 'warranty_claims', 'status'),
      deadClaims: sampleValue(store, 'warranty_claims_dead') ?? 0,
      unfinishedSagas: sagas ?? null,
    };
  }

  private async read(
    health: Promise<HealthReport>,
    metrics: Promise<string>,
  ): Promise<{ health: PromiseSettledResult<HealthReport>; samples?: Sample[] }> {
    const [report, text] = await Promise.allSettled([health, metrics]);
    return { health: report, samples: text.status === 'fulfilled' ? parseOrNothing(text.value) : undefined };
  }
}
