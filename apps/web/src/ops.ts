import type { OpsState, RequestTotals, ServiceState } from '../../store/src/ops/ops-state';
import { call } from './api';
import { byId, h, KEY, render } from './dom';

/** How often the page reads the system's state again. */
const REFRESH_MS = 3_000;

interface DeadClaim {
  claimUid: string;
  orderUid: string;
  reason: string;
  attempts: number;
  error: string | null;
  failedAt: string;
}

let previous: OpsState | undefined;

/** Requests per second between two snapshots of a service's cumulative counters. */
function rate(now: RequestTotals | null, before: RequestTotals | null | undefined, seconds: number): string {
  if (!now || !before || seconds <= 0) return '—';
  return (Math.max(0, now.count - before.count) / seconds).toFixed(1);
}

/**
 * The 99th percentile of the requests between two snapshots, interpolated within its histogram
 * bucket as Prometheus' histogram_quantile does.
 */
function p99(now: RequestTotals | null, before: RequestTotals | null | undefined): string {
  if (!now || !before) return '—';
  const total = now.count - before.count;
  if (total <= 0) return '—';
  const rank = 0.99 * total;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of now.buckets) {
    const count = cumulative - (before.buckets.find(([bound]) => bound === le)?.[1] ?? 0);
    if (count >= rank) {
      const within = count - below;
      const seconds = lower + (le - lower) * (within > 0 ? (rank - below) / within : 1);
      return `${Math.round(seconds * 1000)} ms`;
    }
    lower = le;
    below = count;
  }
  return `> ${Math.round(lower * 1000)} ms`; // in the +Inf bucket
}

function badge(text: string, kind: string): HTMLElement {
  return h('span', { class: `badge ${kind}` }, text);
}

function serviceRow(service: ServiceState, seconds: number): HTMLTableRowElement {
  const before = previous?.services.find((earlier) => earlier.service === service.service)?.requests;
  const breakers = Object.entries(service.breakers);
  return h(
    'tr',
    { [KEY]: service.service, 'data-service': service.service },
    h('th', { scope: 'row' }, service.service),
    h(
      'td',
      {},
      badge(service.health === 'Work' ? 'up' : 'down', service.health === 'Work' ? 'ok' : 'bad'),
      service.problems.length ? h('div', { class: 'problems' }, service.problems.join('; ')) : null,
    ),
    h('td', { class: 'number' }, rate(service.requests, before, seconds)),
    h('td', { class: 'number' }, p99(service.requests, before)),
    h(
      'td',
      {},
      breakers.length
        ? h(
            'ul',
            { class: 'breakers' },
            ...breakers.map(([target, state]) =>
              h(
                'li',
                { 'data-breaker': target },
                `${target}: `,
                badge(state, state === 'closed' ? 'ok' : state === 'open' ? 'bad' : 'warn'),
              ),
            ),
          )
        : '—',
    ),
  );
}

function deadClaimRow(claim: DeadClaim): HTMLTableRowElement {
  const replay = h(
    'button',
    { type: 'button', 'aria-label': `Put claim ${claim.claimUid} back` },
    'Put back',
  );
  replay.addEventListener(
    'click',
    () => void operate(replay, `/manage/claims/dead/${claim.claimUid}/replay`),
  );
  return h(
    'tr',
    { [KEY]: claim.claimUid },
    h('td', {}, h('code', {}, claim.claimUid.slice(0, 8))),
    h('td', {}, h('code', {}, claim.orderUid.slice(0, 8))),
    h('td', {}, claim.reason),
    h('td', { class: 'number' }, String(claim.attempts)),
    h('td', {}, claim.error ?? ''),
    h('td', {}, new Date(claim.failedAt).toLocaleString()),
    h('td', {}, replay),
  );
}

/** An operator's action; its button is disabled until the store has answered. */
async function operate(button: HTMLButtonElement, path: string): Promise<void> {
  if (button.disabled) return;
  button.disabled = true;
  try {
    await call(path, { method: 'POST' });
  } catch (error) {
    byId('message').textContent = error instanceof Error ? error.message : String(error);
  } finally {
    button.disabled = false;
    await refresh();
  }
}

function renderState(state: OpsState): void {
  const seconds = previous ? (Date.parse(state.time) - Date.parse(previous.time)) / 1000 : 0;
  render(byId('services'), ...state.services.map((service) => serviceRow(service, seconds)));
  const claims = ['PENDING', 'DONE', 'FAILED'].map((status) => [status, state.claims[status] ?? 0] as const);
  render(
    byId('work'),
    ...claims.flatMap(([status, count]) => [h('dt', {}, `Claims ${status}`), h('dd', {}, String(count))]),
    h('dt', {}, 'Dead-letter queue'),
    h('dd', { 'data-dead-claims': '' }, String(state.deadClaims)),
    h('dt', {}, 'Unfinished sagas'),
    h(
      'dd',
      {},
      state.unfinishedSagas === null ? 'unknown (order unavailable)' : String(state.unfinishedSagas),
    ),
  );
  byId('updated').textContent = `Updated ${new Date(state.time).toLocaleTimeString()}`;
  previous = state;
}

async function refresh(): Promise<void> {
  const [state, dead] = await Promise.allSettled([
    call<OpsState>('/manage/ops/state'),
    call<DeadClaim[]>('/manage/claims/dead'),
  ]);
  if (state.status === 'fulfilled') renderState(state.value.body);
  else byId('updated').textContent = `Could not read the state: ${String(state.reason)}`;
  if (dead.status === 'fulfilled')
    render(
      byId('dead-claims'),
      ...(dead.value.body.length
        ? dead.value.body.map(deadClaimRow)
        : [h('tr', {}, h('td', { colspan: '7' }, 'Empty'))]),
    );
}

async function loop(): Promise<void> {
  await refresh();
  window.setTimeout(() => void loop(), REFRESH_MS);
}

const replayAll = byId<HTMLButtonElement>('replay-all');
replayAll.addEventListener('click', () => void operate(replayAll, '/manage/claims/dead/replay'));
void loop();
