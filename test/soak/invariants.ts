import { setTimeout as delay } from 'node:timers/promises';
import { parsePrometheus, Row, sampleValue, TestSystem } from '../support';
import { Ledger, WriteRecord } from './ledger';

/** The four databases as they are once everything is still. */
export interface Snapshot {
  items: { id: number; model: string; size: string; available_count: number }[];
  orderItems: { order_item_uid: string; order_uid: string; item_id: number; canceled: boolean }[];
  orders: { order_uid: string; user_uid: string; item_uid: string; status: string }[];
  sagas: {
    id: number;
    kind: string;
    state: string;
    order_uid: string;
    request_key: string | null;
    attempts: number;
    last_error: string | null;
  }[];
  warranties: { item_uid: string; status: string; voided: boolean }[];
  decisions: { claim_key: string; item_uid: string; decision: string }[];
  claims: { claim_uid: string; order_uid: string; status: string; decision: string | null }[];
  /** The store's Idempotency-Keys and the key that stood for each in the calls it made. */
  keys: { user_uid: string; key: string; downstream_key: string }[];
}

export const SNAPSHOT_QUERIES = {
  warehouse: [
    'SELECT id, model, size, available_count FROM items',
    'SELECT order_item_uid::text, order_uid::text, item_id, canceled FROM order_item',
  ],
  order: [
    'SELECT order_uid::text, user_uid::text, item_uid::text, status FROM orders',
    'SELECT id, kind, state, order_uid::text, request_key::text, attempts, last_error FROM order_saga',
  ],
  warranty: [
    'SELECT item_uid::text, status, voided_at IS NOT NULL AS voided FROM warranty',
    'SELECT claim_key::text, item_uid::text, decision FROM warranty_claim_decision',
  ],
  store: [
    'SELECT claim_uid::text, order_uid::text, status, decision FROM warranty_claim',
    'SELECT user_uid::text, key, downstream_key::text FROM idempotency_record',
  ],
} as const;

/**
 * The four databases, read once everything is still. With the embedded engines the services must
 * be stopped (one process per database); with PostgreSQL they may run.
 */
export async function readSnapshot(system: TestSystem): Promise<Snapshot> {
  const services = Object.keys(SNAPSHOT_QUERIES) as (keyof typeof SNAPSHOT_QUERIES)[];
  const rows = await Promise.all(
    services.map(async (service) => [
      service,
      await system.sqlBatch(
        service,
        SNAPSHOT_QUERIES[service].map((text) => ({ text })),
      ),
    ]),
  );
  return toSnapshot(Object.fromEntries(rows) as Record<keyof typeof SNAPSHOT_QUERIES, Row[][]>);
}

export const QUIET_WITHIN_MS = 180_000;

/**
 * Waits until no saga is unfinished and no claim waits (as the services' metrics tell, which
 * works with the embedded engines too), twice in a row; a violation if that never comes.
 */
export async function untilQuiet(system: TestSystem): Promise<string[]> {
  const deadline = Date.now() + QUIET_WITHIN_MS;
  let quietLooks = 0;
  let last = '';
  while (Date.now() < deadline) {
    const [order, store] = await Promise.all(
      (['order', 'store'] as const).map(async (service) => {
        const response = await system
          .http(service)
          .get('/manage/prometheus', { notJson: true })
          .catch(() => undefined);
        return response?.status === 200 ? parsePrometheus(response.text) : [];
      }),
    );
    const unfinished = sampleValue(order, 'sagas_unfinished');
    const pending = sampleValue(store, 'warranty_claims', { status: 'PENDING' });
    last = `${unfinished} unfinished sagas, ${pending} pending claims`;
    quietLooks = unfinished === 0 && pending === 0 ? quietLooks + 1 : 0;
    if (quietLooks === 2) return [];
    await delay(1000);
  }
  return [`not still within ${QUIET_WITHIN_MS / 1000} s: ${last}`];
}

export function toSnapshot(rows: Record<keyof typeof SNAPSHOT_QUERIES, Row[][]>): Snapshot {
  return {
    items: rows.warehouse[0] as Snapshot['items'],
    orderItems: rows.warehouse[1] as Snapshot['orderItems'],
    orders: rows.order[0] as Snapshot['orders'],
    sagas: rows.order[1] as Snapshot['sagas'],
    warranties: rows.warranty[0] as Snapshot['warranties'],
    decisions: rows.warranty[1] as Snapshot['decisions'],
    claims: rows.store[0] as Snapshot['claims'],
    keys: rows.store[1] as Snapshot['keys'],
  };
}

/**
 * Every promise the soak checks (issue "Nothing lost, nothing sold twice, nothing done twice"):
 * across the four databases, and against what each client was finally told. Returns the
 * violations, each naming the ids involved.
 */
export function checkInvariants(
  snapshot: Snapshot,
  initialStock: Map<string, number>,
  ledger: Ledger,
  kills: { at: string; service: string }[] = [],
): string[] {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);
  const itemName = new Map(snapshot.items.map((item) => [item.id, `${item.model} ${item.size}`]));
  const unitByUid = new Map(snapshot.orderItems.map((unit) => [unit.order_item_uid, unit]));
  const orderByUid = new Map(snapshot.orders.map((order) => [order.order_uid, order]));
  const warrantyByItem = new Map(snapshot.warranties.map((warranty) => [warranty.item_uid, warranty]));
  const refusedItems = new Set(
    snapshot.decisions.filter((d) => d.decision === 'REFUSE').map((d) => d.item_uid),
  );
  const decisionByKey = new Map(snapshot.decisions.map((decision) => [decision.claim_key, decision]));

  // Stock conserved and never negative.
  for (const item of snapshot.items) {
    const name = itemName.get(item.id) as string;
    const live = snapshot.orderItems.filter((unit) => unit.item_id === item.id && !unit.canceled).length;
    if (item.available_count < 0) fail(`${name}: available count ${item.available_count} < 0`);
    const initial = initialStock.get(name);
    if (initial !== undefined && item.available_count + live !== initial) {
      fail(`${name}: ${item.available_count} available + ${live} held ≠ ${initial} at the start`);
    }
  }

  for (const order of snapshot.orders) {
    const unit = unitByUid.get(order.item_uid);
    const warranty = warrantyByItem.get(order.item_uid);
    if (order.status === 'PAID') {
      if (!unit || unit.canceled || unit.order_uid !== order.order_uid)
        fail(`PAID order ${order.order_uid}: no live unit ${order.item_uid}`);
      if (!warranty || warranty.voided)
        fail(`PAID order ${order.order_uid}: no warranty for item ${order.item_uid}`);
      else if (warranty.status === 'REMOVED_FROM_WARRANTY' && !refusedItems.has(order.item_uid)) {
        fail(
          `PAID order ${order.order_uid}: warranty closed although no REFUSE was decided (item ${order.item_uid})`,
        );
      }
    } else if (order.status === 'CANCELED') {
      if (!unit?.canceled) fail(`CANCELED order ${order.order_uid}: unit ${order.item_uid} not returned`);
      if (warranty?.status !== 'REMOVED_FROM_WARRANTY')
        fail(`CANCELED order ${order.order_uid}: warranty not closed (${warranty?.status})`);
    }
  }

  // Nothing held for nobody.
  for (const unit of snapshot.orderItems.filter((candidate) => !candidate.canceled)) {
    if (orderByUid.get(unit.order_uid)?.status !== 'PAID')
      fail(`unit ${unit.order_item_uid} held for no paid order (${unit.order_uid})`);
  }
  const paidItems = new Set(
    snapshot.orders.filter((order) => order.status === 'PAID').map((order) => order.item_uid),
  );
  for (const warranty of snapshot.warranties) {
    const open = !warranty.voided && warranty.status !== 'REMOVED_FROM_WARRANTY';
    if (open && !paidItems.has(warranty.item_uid))
      fail(`warranty of item ${warranty.item_uid} open for no paid order`);
  }

  // Everything finished.
  for (const saga of snapshot.sagas.filter((candidate) =>
    ['STARTED', 'COMPENSATING', 'COMMITTED'].includes(candidate.state),
  )) {
    fail(
      `${saga.kind} saga ${saga.id} (order ${saga.order_uid}) left ${saga.state} after ${saga.attempts} attempts: ${saga.last_error ?? ''}`,
    );
  }
  for (const claim of snapshot.claims) {
    if (claim.status === 'PENDING') fail(`claim ${claim.claim_uid} (order ${claim.order_uid}) left PENDING`);
    if (claim.status === 'DONE' && decisionByKey.get(claim.claim_uid)?.decision !== claim.decision) {
      fail(
        `claim ${claim.claim_uid}: DONE ${claim.decision} in store, warranty decided ${decisionByKey.get(claim.claim_uid)?.decision}`,
      );
    }
  }

  // What the clients were told is true.
  const sagasByKey = new Map(
    snapshot.sagas
      // A key's saga is the one not rolled back (the journal keeps at most one).
      .filter((saga) => saga.request_key && saga.state !== 'ROLLED_BACK')
      .map((saga) => [`${saga.kind} ${saga.request_key}`, saga]),
  );
  const claimsByUid = new Map(snapshot.claims.map((claim) => [claim.claim_uid, claim]));
  const downstream = new Map(snapshot.keys.map((row) => [`${row.user_uid} ${row.key}`, row.downstream_key]));
  for (const write of ledger.writes.filter(
    (candidate) => !candidate.unknown && candidate.key !== undefined,
  )) {
    const key = downstream.get(`${write.userUid} ${write.key}`);
    if (key === undefined) {
      // A 400 frees its key; any other answer keeps it (at least 24 h).
      if (write.status !== 400)
        fail(`${write.kind} by client ${write.client}: Idempotency-Key ${write.key} not kept`);
      continue;
    }
    const told = `${write.kind} by client ${write.client} (key ${write.key}) answered ${write.status}`;
    checkWrite(write, key, told, { sagasByKey, claimsByUid, orderByUid, decisionByKey, snapshot }, fail);
  }
  checkKeylessClients(snapshot, ledger, kills, fail);
  for (const refused of ledger.refused) fail(`answer the contract does not allow: ${refused}`);
  return violations;
}

interface Indexes {
  sagasByKey: Map<string, Snapshot['sagas'][number]>;
  claimsByUid: Map<string, Snapshot['claims'][number]>;
  orderByUid: Map<string, Snapshot['orders'][number]>;
  decisionByKey: Map<string, Snapshot['decisions'][number]>;
  snapshot: Snapshot;
}

function checkWrite(
  write: WriteRecord,
  key: string,
  told: string,
  at: Indexes,
  fail: (message: string) => void,
): void {
  switch (write.kind) {
    case 'purchase': {
      const saga = at.sagasByKey.get(`PURCHASE ${key}`);
      const bought = saga?.state === 'COMPLETED';
      if (write.status === 201) {
        const orderUid = (write.body as { orderUid: string }).orderUid;
        const order = at.orderByUid.get(orderUid);
        if (!order || order.user_uid !== write.userUid) fail(`${told}, but order ${orderUid} does not exist`);
        if (!bought || saga.order_uid !== orderUid) fail(`${told}, but its saga did not complete that order`);
      } else if (bought) {
        fail(`${told}, but order ${saga.order_uid} was bought`);
      }
      return;
    }
    case 'refund': {
      const order = at.orderByUid.get(write.orderUid as string);
      const saga = at.sagasByKey.get(`REFUND ${key}`);
      if (write.status === 204 && (order?.status !== 'CANCELED' || !saga))
        fail(`${told}, but order ${write.orderUid} is ${order?.status}`);
      if (write.status === 409 && order?.status !== 'CANCELED')
        fail(`${told} (already refunded), but order ${write.orderUid} is ${order?.status}`);
      if (write.status !== 204 && saga) fail(`${told}, but the refund of order ${write.orderUid} committed`);
      return;
    }
    case 'claim': {
      const decision = at.decisionByKey.get(key);
      if (write.status === 200) {
        const said = (write.body as { decision: string }).decision;
        if (decision?.decision !== said)
          fail(`${told} ${said}, but warranty decided ${decision?.decision} for it`);
      } else if (write.status === 202) {
        // Queued (this claim, or the order's claim that was waiting already): processed by now.
        const ofOrder = at.snapshot.claims.filter((claim) => claim.order_uid === write.orderUid);
        if (!ofOrder.some((claim) => claim.status === 'DONE' || claim.status === 'FAILED')) {
          fail(`${told}, but no claim of order ${write.orderUid} was processed`);
        }
      } else if (decision || at.claimsByUid.has(key)) {
        fail(`${told}, but the claim was recorded or decided`);
      }
      return;
    }
  }
}

/**
 * Clients without an Idempotency-Key cannot link an answer to what happened, but what they were
 * told still adds up: their orders are their 201s, plus at most one for each purchase whose
 * answer could not be known — no answer at all, or a 503 while order or store was being killed
 * (the contract: a process killed at any point, the client may see either outcome). Any other
 * 503 changed nothing. A refund answered 503 (outside a kill) left its order PAID, unless a later
 * refund of it succeeded.
 */
function checkKeylessClients(
  snapshot: Snapshot,
  ledger: Ledger,
  kills: { at: string; service: string }[],
  fail: (message: string) => void,
): void {
  const killTimes = kills
    .filter((kill) => kill.service === 'order' || kill.service === 'store')
    .map((kill) => Date.parse(kill.at));
  const duringKill = (write: WriteRecord) =>
    killTimes.some((at) => at >= write.startedAt && at <= write.endedAt);
  const keyless = ledger.writes.filter((write) => write.key === undefined);
  for (const userUid of new Set(keyless.map((write) => write.userUid))) {
    const purchases = keyless.filter((write) => write.userUid === userUid && write.kind === 'purchase');
    const answered = purchases.filter((write) => write.status === 201).length;
    const unknown = purchases.filter(
      (write) => write.status === 0 || (write.status === 503 && duringKill(write)),
    ).length;
    const orders = snapshot.orders.filter((order) => order.user_uid === userUid).length;
    if (orders < answered || orders > answered + unknown) {
      fail(
        `client without keys (user ${userUid}): ${orders} orders for ${answered} answered 201 and ${unknown} unknown outcomes`,
      );
    }
    const refunds = keyless.filter((write) => write.userUid === userUid && write.kind === 'refund');
    for (const [index, refund] of refunds.entries()) {
      if (refund.status !== 503 || duringKill(refund)) continue;
      const order = snapshot.orders.find((candidate) => candidate.order_uid === refund.orderUid);
      const laterSuccess = refunds
        .slice(index + 1)
        .some(
          (later) => later.orderUid === refund.orderUid && (later.status === 204 || later.status === 409),
        );
      if (order?.status === 'CANCELED' && !laterSuccess) {
        fail(
          `refund of order ${refund.orderUid} by a client without keys answered 503, but the order is CANCELED`,
        );
      }
    }
  }
}
