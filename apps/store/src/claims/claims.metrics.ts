import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '@app/metrics';
import { ClaimRecords } from './claim-records';
import { ClaimStatus } from './warranty-claim.entity';

/**
 * `warranty_claims{status}` and `warranty_claims_dead`, counted in the claims' table at each
 * scrape (the table is the record; every instance reports the same numbers).
 */
@Injectable()
export class ClaimsMetrics {
  constructor(registry: MetricsRegistry, records: ClaimRecords) {
    // A scrape while the database is down keeps the last values rather than failing.
    const counts = () => records.countByStatus().catch(() => undefined);
    new Gauge({
      name: 'warranty_claims',
      help: 'Warranty claims by status: PENDING (queued), DONE, FAILED',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        const now = await counts();
        if (now) for (const status of Object.values(ClaimStatus)) this.set({ status }, now[status]);
      },
    });
    new Gauge({
      name: 'warranty_claims_dead',
      help: 'Dead-lettered warranty claims (FAILED), waiting for an operator',
      registers: [registry],
      async collect() {
        const now = await counts();
        if (now) this.set(now[ClaimStatus.FAILED]);
      },
    });
  }
}
