import { readFileSync } from 'node:fs';
import { CatalogueItem, countOf, expectStatus, paths } from './contract';
import { ServiceName } from './service-process';
import { TestSystem, TestSystemOptions } from './test-system';
import { eventually } from './wait';

export interface WarrantyRow extends Record<string, unknown> {
  status: string;
  warranty_date: string;
  comment: string | null;
  voided: boolean;
}

/**
 * What the fault tests look at after a saga, read from the services themselves: stock, orders,
 * warranties — and, where the API does not show it (a warranty's comment), the database.
 */
export class ShopProbe {
  constructor(private readonly system: TestSystem) {}

  async stock(model: string, size: string): Promise<number> {
    const response = await this.system.http('warehouse').get<CatalogueItem[]>(paths.warehouseItems);
    expectStatus(response, 200);
    return countOf(response.body, model, size) as number;
  }

  async orders(userUid: string): Promise<{ orderUid: string; itemUid: string; status: string }[]> {
    const response = await this.system.http('order').get(paths.userOrders(userUid));
    expectStatus(response, 200);
    return response.body as { orderUid: string; itemUid: string; status: string }[];
  }

  async orderStatus(userUid: string, orderUid: string): Promise<string> {
    const response = await this.system
      .http('order')
      .get<{ status: string }>(paths.userOrder(userUid, orderUid));
    expectStatus(response, 200);
    return response.body.status;
  }

  /** The warranty as warranty answers it; undefined for 404 (none, or voided). */
  async warranty(itemUid: string): Promise<{ status: string; warrantyDate: string } | undefined> {
    const response = await this.system
      .http('warranty')
      .get<{ status: string; warrantyDate: string }>(paths.warranty(itemUid));
    if (response.status === 404) return undefined;
    expectStatus(response, 200);
    return { status: response.body.status, warrantyDate: response.body.warrantyDate };
  }

  /** The warranty's whole row (comment included); with the embedded engine this restarts warranty. */
  async warrantyRow(itemUid: string): Promise<WarrantyRow | undefined> {
    const [row] = await this.system.sql<WarrantyRow>(
      'warranty',
      `SELECT status, warranty_date, comment, voided_at IS NOT NULL AS voided FROM warranty WHERE item_uid = $1`,
      [itemUid],
    );
    return row;
  }

  /** Waits until a service has logged a line matching `line` (read from its log file). */
  async untilLogged(service: ServiceName, line: RegExp, timeoutMs: number): Promise<void> {
    await eventually(
      () => expect(readFileSync(this.system.services[service].logFile, 'utf8')).toMatch(line),
      {
        timeoutMs,
        intervalMs: 200,
      },
    );
  }

  /** Order service logged that a saga of the user reached the end of its recovery. */
  untilSaga(
    kind: 'PURCHASE' | 'REFUND',
    userUid: string,
    outcome: 'rolled back' | 'completed',
    timeoutMs: number,
  ) {
    return this.untilLogged(
      'order',
      new RegExp(`${kind} saga \\d+ \\(order [0-9a-f-]+, user ${userUid}\\) ${outcome}`),
      timeoutMs,
    );
  }
}

/**
 * A system for the saga fault tests: every service behind a fault proxy, one short time-out for
 * every hop (each bounds its calls by what is left of its caller's budget), and breakers that the
 * faults aimed at single steps cannot open — they have their own tests — so that one test's
 * faults never decide the next one.
 */
export function sagaFaultSystem(timeoutMs: number): TestSystemOptions {
  return {
    faultProxies: ['order', 'warehouse', 'warranty'],
    env: { HTTP_TIMEOUT_MS: String(timeoutMs), BREAKER_HALF_OPEN_AFTER_MS: '500', BREAKER_THRESHOLD: '1000' },
  };
}
