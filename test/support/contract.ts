import type { HttpResponse } from './http';

/** Facts of CONTRACT.md the tests rely on. */
export const ALEX_UID = '6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b';

export interface CatalogueItem {
  model: string;
  size: string;
  availableCount: number;
}

/** Response bodies of the contract. */
export interface OrderCreated {
  orderUid: string;
}

export interface OrderItem {
  orderItemUid: string;
  orderUid: string;
  model: string;
  size: string;
}

export interface WarrantyInfo {
  itemUid: string;
  warrantyDate: string;
  status: string;
}

export interface OrderInfo {
  orderUid: string;
  orderDate: string;
  itemUid: string;
  status: string;
}

export interface OrderView {
  orderUid: string;
  date: string;
  status: string;
  model: string | null;
  size: string | null;
  warrantyDate: string | null;
  warrantyStatus: string | null;
  warrantyClaim: { status: string; decision: string | null } | null;
}

export interface HealthTime {
  epoch: number;
  local: string;
  offset: number;
}

export interface HealthReport {
  status: string;
  components: Record<string, { status: string; [detail: string]: unknown }> & { time: HealthTime };
}

export const SEED_CATALOGUE: CatalogueItem[] = [
  { model: 'Lego 8070', size: 'M', availableCount: 10000 },
  { model: 'Lego 8880', size: 'L', availableCount: 10000 },
  { model: 'Lego 42070', size: 'L', availableCount: 10000 },
];

/** ISO-8601 with a time zone (Z or ±hh:mm), as the contract wants every date. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** UUIDs in responses are lower case. */
export const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const paths = {
  warranty: (itemUid: string) => `/api/v1/warranty/${itemUid}`,
  warrantyClaim: (itemUid: string) => `/api/v1/warranty/${itemUid}/warranty`,
  warehouse: '/api/v1/warehouse',
  warehouseItems: '/api/v1/warehouse/items',
  orderItem: (orderItemUid: string) => `/api/v1/warehouse/${orderItemUid}`,
  orderItemClaim: (orderItemUid: string) => `/api/v1/warehouse/${orderItemUid}/warranty`,
  userOrders: (userUid: string) => `/api/v1/orders/${userUid}`,
  userOrder: (userUid: string, orderUid: string) => `/api/v1/orders/${userUid}/${orderUid}`,
  order: (orderUid: string) => `/api/v1/orders/${orderUid}`,
  orderClaim: (orderUid: string) => `/api/v1/orders/${orderUid}/warranty`,
  storeItems: '/api/v1/store/items',
  storeOrders: (userUid: string) => `/api/v1/store/${userUid}/orders`,
  storeOrder: (userUid: string, orderUid: string) => `/api/v1/store/${userUid}/${orderUid}`,
  storeClaim: (userUid: string, orderUid: string) => `/api/v1/store/${userUid}/${orderUid}/warranty`,
  storePurchase: (userUid: string) => `/api/v1/store/${userUid}/purchase`,
  storeRefund: (userUid: string, orderUid: string) => `/api/v1/store/${userUid}/${orderUid}/refund`,
};

/**
 * Status and body in one assertion, so that a failure shows what the service answered.
 * `body` is compared with toEqual: no missing and no extra fields.
 */
export function expectResponse(response: HttpResponse, status: number, body?: unknown): void {
  expect({ status: response.status, body: response.body }).toEqual({ status, body });
}

/** Only the status (the body is checked separately), with the body shown on failure. */
export function expectStatus(response: HttpResponse, status: number): void {
  // The body on both sides: on a failure the diff shows it as context, toMatchObject would not.
  expect({ status: response.status, body: response.body }).toEqual({ status, body: response.body });
}

/**
 * An error answer: the status and a JSON `{message}` (more fields may follow); when `message` is
 * given, the exact text (string) or a pattern (RegExp).
 */
export function expectError(response: HttpResponse, status: number, message?: string | RegExp): void {
  const expected =
    message === undefined
      ? expect.stringMatching(/\S/)
      : typeof message === 'string'
        ? message
        : expect.stringMatching(message);
  expect({ status: response.status, body: response.body }).toEqual({
    status,
    body: expect.objectContaining({ message: expected }),
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 400 whose message names every one of `fields`. */
export function expectBadRequest(response: HttpResponse, fields: string[]): void {
  expectError(response, 400);
  const message = (response.body as { message: string }).message;
  for (const field of fields) {
    expect({ field, message }).toEqual({
      field,
      message: expect.stringMatching(`\\b${escapeRegExp(field)}\\b`),
    });
  }
}

/** An ISO date with zone, between `from` and `to` (epoch ms, with 2 s slack for rounding). */
export function expectDateBetween(date: unknown, from: number, to: number): void {
  expect(date).toMatch(ISO_DATE);
  const time = Date.parse(date as string);
  expect(time).toBeGreaterThanOrEqual(from - 2000);
  expect(time).toBeLessThanOrEqual(to + 2000);
}

export function byModel(items: CatalogueItem[]): CatalogueItem[] {
  return [...items].sort((a, b) => `${a.model}/${a.size}`.localeCompare(`${b.model}/${b.size}`));
}

/** The available count of one catalogue entry. */
export function countOf(items: CatalogueItem[], model: string, size: string): number | undefined {
  return items.find((item) => item.model === model && item.size === size)?.availableCount;
}
