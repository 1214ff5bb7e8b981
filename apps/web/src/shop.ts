import { ApiError } from './api';
import { byId, formatDate, h, KEY, orUnavailable, render } from './dom';
import { Intents } from './intents';
import { CatalogueItem, ClaimState, OrderView, StoreApi } from './store-api';

/** The seeded customer (CONTRACT: store users), used until another user is entered. */
const SEEDED_USER = '6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b';
/** While a claim waits for a decision, the orders are read again this often. */
const PENDING_REFRESH_MS = 2_000;

let api: StoreApi;
let intents: Intents;
let pendingRefresh: number | undefined;
/** Which refresh is the latest: an answer of an older one (another customer's) is dropped. */
let generation = 0;

function startSession(): void {
  const userUid = localStorage.getItem('userUid') || SEEDED_USER;
  const token = sessionStorage.getItem('token') || undefined;
  byId<HTMLInputElement>('user-uid').value = userUid;
  byId<HTMLInputElement>('token').value = token ?? '';
  api = new StoreApi(userUid, token);
  intents = new Intents(userUid.toLowerCase());
}

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  const message = byId('message');
  message.className = kind;
  message.textContent = text;
}

/** The API's message; for a 401, what to do about it too. */
function errorText(error: unknown): string {
  if (error instanceof ApiError && error.status === 401)
    return `${error.message}. This store needs a sign-in token: paste it in the token field.`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs one user action with its button disabled, then shows the store's state again. */
async function act(button: HTMLButtonElement, intent: string, action: (key: string) => Promise<string>) {
  button.disabled = true;
  try {
    const done = await intents.run(intent, action);
    if (done) say(done);
  } catch (error) {
    say(errorText(error), 'error');
  } finally {
    button.disabled = false;
    await refresh();
  }
}

function catalogueRow(item: CatalogueItem): HTMLTableRowElement {
  const label = `Buy ${item.model}, size ${item.size}`;
  const buy = h('button', { type: 'button', 'aria-label': label }, 'Buy');
  buy.addEventListener(
    'click',
    () =>
      void act(buy, `buy:${item.model}:${item.size}`, async (key) => {
        const { orderUid } = await api.purchase(item.model, item.size, key);
        return `Bought ${item.model} (${item.size}): order ${orderUid}`;
      }),
  );
  return h(
    'tr',
    { [KEY]: JSON.stringify([item.model, item.size]) },
    h('td', {}, item.model),
    h('td', {}, item.size),
    h('td', { class: 'number' }, String(item.availableCount)),
    h('td', {}, item.availableCount > 0 ? buy : 'sold out'),
  );
}

function claimText(claim: ClaimState | null): Node | string {
  if (!claim) return 'none';
  if (claim.status === 'PENDING') return h('span', { class: 'waiting' }, 'waiting for a decision');
  if (claim.status === 'FAILED')
    return h('span', { class: 'failed' }, 'could not be decided: an operator will look at it');
  return claim.decision ?? 'decided';
}

function orderCard(order: OrderView): HTMLElement {
  const short = order.orderUid.slice(0, 8);
  const field = (name: string, value: Node | string) => [h('dt', {}, name), h('dd', {}, value)];
  const reason = h('input', {
    id: `reason-${order.orderUid}`,
    name: 'reason',
    required: true,
    maxlength: '1000',
  });
  const claim = h('button', { type: 'submit' }, 'Claim warranty');
  const claimForm = h(
    'form',
    { class: 'claim', 'aria-label': `Warranty claim for order ${short}` },
    h('label', { for: reason.id }, 'Reason'),
    reason,
    claim,
  );
  claimForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void act(claim, `claim:${order.orderUid}:${reason.value}`, async (key) => {
      const answer = await api.claim(order.orderUid, reason.value, key);
      return answer.decision === 'PENDING'
        ? `Claim for order ${short} is waiting: ${answer.message ?? 'it will be decided when the services are back'}`
        : `Claim for order ${short} decided: ${answer.decision}`;
    });
  });
  const refund = h('button', { type: 'button', class: 'secondary' }, 'Refund');
  refund.addEventListener(
    'click',
    () =>
      void act(refund, `refund:${order.orderUid}`, async (key) => {
        await api.refund(order.orderUid, key);
        return `Order ${short} refunded`;
      }),
  );
  return h(
    'article',
    { class: 'order', [KEY]: order.orderUid, 'data-order': order.orderUid, 'aria-label': `Order ${short}` },
    h('h3', {}, `Order ${short}`),
    h(
      'dl',
      {},
      ...field('Date', formatDate(order.date)),
      ...field('Status', order.status),
      ...field('Model', orUnavailable(order.model)),
      ...field('Size', orUnavailable(order.size)),
      ...field('Warranty since', formatDate(order.warrantyDate)),
      ...field('Warranty status', orUnavailable(order.warrantyStatus)),
      ...field('Warranty claim', claimText(order.warrantyClaim)),
    ),
    order.status === 'PAID' ? h('div', { class: 'actions' }, claimForm, refund) : null,
  );
}

async function refresh(): Promise<void> {
  const current = ++generation;
  const [catalogue, orders] = await Promise.allSettled([api.catalogue(), api.orders()]);
  if (current !== generation) return;
  const catalogueBody = byId('catalogue-rows');
  if (catalogue.status === 'fulfilled') render(catalogueBody, ...catalogue.value.map(catalogueRow));
  else render(catalogueBody, h('tr', {}, h('td', { colspan: '4' }, errorText(catalogue.reason))));
  const ordersList = byId('orders');
  if (orders.status === 'fulfilled') {
    const views = orders.value;
    render(ordersList, ...(views.length ? [...views].reverse().map(orderCard) : ['No orders yet.']));
    scheduleRefreshWhilePending(views);
  } else render(ordersList, h('p', { class: 'error' }, errorText(orders.reason)));
}

function scheduleRefreshWhilePending(orders: OrderView[]): void {
  window.clearTimeout(pendingRefresh);
  if (orders.some((order) => order.warrantyClaim?.status === 'PENDING'))
    pendingRefresh = window.setTimeout(() => void refresh(), PENDING_REFRESH_MS);
}

byId('session').addEventListener('submit', (event) => {
  event.preventDefault();
  localStorage.setItem('userUid', byId<HTMLInputElement>('user-uid').value.trim());
  const token = byId<HTMLInputElement>('token').value.trim();
  if (token) sessionStorage.setItem('token', token);
  else sessionStorage.removeItem('token');
  startSession();
  say('Signed in');
  void refresh();
});

startSession();
void refresh();
