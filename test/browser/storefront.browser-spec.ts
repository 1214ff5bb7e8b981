import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import {
  ALEX_UID,
  CLAIM_PROCESSED_WITHIN_MS,
  JwksServer,
  REPO_ROOT,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * The storefront (`/`) and the operations page (`/manage/ops`) in a real Chromium (Debian's,
 * CHROMIUM_PATH to use another), against the four real services: buying, claiming, refunding,
 * a double click, and services really killed and restarted while the pages show it.
 * Screenshots of both pages land in test-results/browser/.
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'browser');
/** The pages read the store again within a few seconds; a service's breaker opens after 3 failures. */
const PAGE_UPDATE_MS = 20_000;
const SCRIPT_BUDGET_BYTES = 100 * 1024;

jest.setTimeout(SYSTEM_TIMEOUT_MS);

let browser: Browser;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless=new', '--no-sandbox'],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('storefront and operations page in Chromium', () => {
  let system: TestSystem;
  let page: Page;

  beforeAll(async () => {
    system = await TestSystem.start({
      env: { BREAKER_HALF_OPEN_AFTER_MS: '1000' },
      serviceEnv: { store: { CLAIM_RETRY_DELAYS_MS: '250,500,1000,2000' } },
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  });

  afterEach(async () => {
    await page.close();
  });

  const shop = () => page.goto(system.url('store') + '/');
  const orderCards = () => page.locator('article.order');
  const buyButton = (model: string, size: string) =>
    page.getByRole('button', { name: `Buy ${model}, size ${size}` });
  const message = () => page.locator('#message');

  async function ordersOfAlex(): Promise<number> {
    const answer = await system
      .http('store')
      .get<unknown[]>('/api/v1/store/6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b/orders');
    return answer.body.length;
  }

  async function buy(model = 'Lego 8070', size = 'M'): Promise<string> {
    await shop();
    await buyButton(model, size).click();
    await message().filter({ hasText: 'Bought' }).waitFor();
    const orderUid = /order ([0-9a-f-]{36})/.exec((await message().textContent()) ?? '')?.[1];
    if (!orderUid) throw new Error(`No order in "${await message().textContent()}"`);
    return orderUid;
  }

  const card = (orderUid: string) => page.locator(`article[data-order="${orderUid}"]`);
  const field = (orderUid: string, name: string) =>
    card(orderUid)
      .locator('dt', { hasText: new RegExp(`^${name}$`) })
      .locator('xpath=following-sibling::dd[1]');

  it('serves both pages with less than 100 KB of script', async () => {
    const sizes = await Promise.all(
      ['/assets/shop.js', '/assets/ops.js'].map(async (path) => {
        const answer = await fetch(system.url('store') + path);
        expect(answer.status).toBe(200);
        return (await answer.arrayBuffer()).byteLength;
      }),
    );
    expect(Math.max(...sizes)).toBeLessThan(SCRIPT_BUDGET_BYTES);
    for (const page of ['/', '/manage/ops']) {
      const answer = await fetch(system.url('store') + page);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
      // The security headers, and a policy that lets the page load only its own files, over
      // whatever scheme it was loaded with.
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-powered-by')).toBeNull();
      const policy = answer.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).not.toContain('upgrade-insecure-requests');
    }
    // Only the built files, and only read: JSON 404 and 405 as everywhere else.
    const missing = await fetch(system.url('store') + '/assets/..%2Fmain.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    const posted = await fetch(system.url('store') + '/assets/shop.js', { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toContain('GET');
  });

  it('buys an item, which then shows in the orders with its warranty', async () => {
    const before = await ordersOfAlex();
    const orderUid = await buy('Lego 8880', 'L');

    await card(orderUid).waitFor();
    expect(await field(orderUid, 'Model').textContent()).toBe('Lego 8880');
    expect(await field(orderUid, 'Size').textContent()).toBe('L');
    expect(await field(orderUid, 'Warranty status').textContent()).toBe('ON_WARRANTY');
    expect(await ordersOfAlex()).toBe(before + 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'storefront.png'), fullPage: true });
  });

  it('can be used with the keyboard alone', async () => {
    const before = await ordersOfAlex();
    await shop();
    await buyButton('Lego 8070', 'M').focus();
    await page.keyboard.press('Enter');
    await message().filter({ hasText: 'Bought' }).waitFor();
    expect(await ordersOfAlex()).toBe(before + 1);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await shop();
    await buyButton('Lego 8070', 'M').waitFor();
    await orderCards().first().waitFor();
    // Nothing wider than the screen: no sideways scrolling of the page.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'storefront-phone.png'), fullPage: true });
  });

  it('buys once on a double click', async () => {
    const before = await ordersOfAlex();
    await shop();
    await buyButton('Lego 42070', 'L').dblclick();
    await message().filter({ hasText: 'Bought' }).waitFor();
    // Both clicks were handled once the button is enabled again and the orders are shown again.
    await expect(buyButton('Lego 42070', 'L').isEnabled()).resolves.toBe(true);
    await orderCards().nth(before).waitFor();
    expect(await orderCards().count()).toBe(before + 1);
    expect(await ordersOfAlex()).toBe(before + 1);
  });

  it("buys once when a purchase's answer is lost and the customer clicks again", async () => {
    const before = await ordersOfAlex();
    await shop();
    let sentKey: string | undefined;
    await page.route(
      '**/purchase',
      async (route) => {
        sentKey = route.request().headers()['idempotency-key'];
        await route.fetch(); // the store gets the purchase and buys…
        await route.abort('connectionreset'); // …but its answer never reaches the page
      },
      { times: 1 },
    );
    await buyButton('Lego 42070', 'L').click();
    await message().filter({ hasText: 'cannot be reached' }).waitFor();
    expect(sentKey).toBeDefined();
    expect(await ordersOfAlex()).toBe(before + 1);

    const retried = page.waitForResponse((response) => response.url().endsWith('/purchase'));
    await buyButton('Lego 42070', 'L').click();
    const answer = await retried;
    expect(answer.request().headers()['idempotency-key']).toBe(sentKey);
    expect(answer.headers()['idempotent-replayed']).toBe('true');
    await message().filter({ hasText: 'Bought' }).waitFor();
    expect(await ordersOfAlex()).toBe(before + 1);
  });

  it('keeps its buttons and what is typed when it reads the store again', async () => {
    // A click whose press lands on a button and whose release lands on its replacement does
    // nothing: the page must update the elements it shows rather than replace them.
    const orderUid = await buy();
    await card(orderUid).waitFor(); // the page has read the store again after the purchase
    const otherButton = await buyButton('Lego 42070', 'L').elementHandle();
    await card(orderUid).getByLabel('Reason').fill('Typed before the refresh');
    const row = page.locator('#catalogue-rows tr', { hasText: 'Lego 8070' });
    const available = Number(await row.locator('td.number').textContent());

    await buyButton('Lego 8070', 'M').click();
    // The page has read the catalogue and the orders again once both show the second purchase.
    await row
      .locator('td.number')
      .filter({ hasText: String(available - 1) })
      .waitFor();
    const bought = message().filter({ hasText: 'Bought' }).filter({ hasNotText: orderUid });
    await bought.waitFor();
    const second = /order ([0-9a-f-]{36})/.exec((await bought.textContent()) ?? '')?.[1];
    await card(second ?? 'none').waitFor();

    expect(await otherButton?.evaluate((button: { isConnected: boolean }) => button.isConnected)).toBe(true);
    expect(await card(orderUid).getByLabel('Reason').inputValue()).toBe('Typed before the refresh');
  });

  it('keeps a button disabled while its purchase runs, whatever the page reads meanwhile', async () => {
    await shop();
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived = (): void => undefined;
    const holding = new Promise<void>((resolve) => (arrived = resolve));
    await page.route(
      '**/purchase',
      async (route) => {
        arrived();
        await held;
        await route.continue();
      },
      { times: 1 },
    );
    try {
      await buyButton('Lego 42070', 'L').click();
      await holding;
      // Another purchase ends meanwhile, and the page reads the catalogue and orders again.
      await buyButton('Lego 8070', 'M').click();
      const other = message().filter({ hasText: 'Bought Lego 8070' });
      await other.waitFor();
      const otherUid = /order ([0-9a-f-]{36})/.exec((await other.textContent()) ?? '')?.[1];
      await card(otherUid ?? 'none').waitFor();
      expect(await buyButton('Lego 42070', 'L').isDisabled()).toBe(true);
    } finally {
      release();
    }
    await message().filter({ hasText: 'Bought Lego 42070' }).waitFor();
    await page.locator('button[aria-label="Buy Lego 42070, size L"]:enabled').waitFor();
  });

  it('claims a warranty and shows the decision', async () => {
    const orderUid = await buy();
    await card(orderUid).getByLabel('Reason').fill('It broke');
    await card(orderUid).getByRole('button', { name: 'Claim warranty' }).click();

    await message().filter({ hasText: 'decided: RETURN' }).waitFor();
    await field(orderUid, 'Warranty claim').filter({ hasText: 'RETURN' }).waitFor();
    expect(await field(orderUid, 'Warranty status').textContent()).toBe('USE_WARRANTY');
  });

  it('refunds an order', async () => {
    const orderUid = await buy();
    await card(orderUid).getByRole('button', { name: 'Refund' }).click();

    await message().filter({ hasText: 'refunded' }).waitFor();
    await field(orderUid, 'Status').filter({ hasText: 'CANCELED' }).waitFor();
    expect(await card(orderUid).getByRole('button', { name: 'Refund' }).count()).toBe(0);
  });

  it("shows the API's own message when a purchase is refused", async () => {
    await shop();
    await buyButton('Lego 8070', 'M').waitFor();
    await system.sql('warehouse', "UPDATE items SET available_count = 0 WHERE model = 'Lego 8070'");
    try {
      const refused = await system
        .http('store')
        .post<{ message: string }>('/api/v1/store/6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b/purchase', {
          model: 'Lego 8070',
          size: 'M',
        });
      expect(refused.status).toBe(409);
      await buyButton('Lego 8070', 'M').click();
      await page.locator('#message.error').filter({ hasText: refused.body.message }).waitFor();
      await page
        .locator('#catalogue-rows tr', { hasText: 'Lego 8070' })
        .filter({ hasText: 'sold out' })
        .waitFor();
    } finally {
      await system.sql('warehouse', "UPDATE items SET available_count = 10000 WHERE model = 'Lego 8070'");
    }
  });

  it("shows an unknown customer the store's 404 message", async () => {
    await shop();
    await page.fill('#user-uid', '00000000-0000-4000-8000-000000000000');
    await page.getByRole('button', { name: 'Use' }).click();
    await page
      .locator('#orders')
      .filter({ hasText: "User '00000000-0000-4000-8000-000000000000' not found" })
      .waitFor();
  });

  it("shows 'unavailable' while warehouse is down, and the store's warehouse breaker open", async () => {
    const orderUid = await buy();
    await system.services.warehouse.kill();
    try {
      await shop();
      await field(orderUid, 'Model').filter({ hasText: 'unavailable' }).waitFor();
      expect(await field(orderUid, 'Size').textContent()).toBe('unavailable');
      expect(await field(orderUid, 'Warranty status').textContent()).toBe('ON_WARRANTY');

      await page.goto(system.url('store') + '/manage/ops');
      const breaker = page.locator('tr[data-service="store"] li[data-breaker="warehouse"]');
      await breaker.filter({ hasText: 'open' }).waitFor({ timeout: PAGE_UPDATE_MS });
      await page.locator('tr[data-service="warehouse"]').filter({ hasText: 'down' }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'operations-warehouse-down.png'), fullPage: true });
    } finally {
      await system.services.warehouse.start();
    }
    // And it recovers: the page shows the breaker closed again once a trial call succeeds.
    await page
      .locator('tr[data-service="store"] li[data-breaker="warehouse"]')
      .filter({ hasText: 'closed' })
      .waitFor({ timeout: PAGE_UPDATE_MS });
    await page
      .locator('tr[data-service="warehouse"]')
      .filter({ hasText: 'up' })
      .waitFor({ timeout: PAGE_UPDATE_MS });
    await page.screenshot({ path: join(SCREENSHOTS, 'operations.png'), fullPage: true });
  });

  it('shows a claim waiting while warranty is down, and its decision once warranty is back', async () => {
    const orderUid = await buy();
    await system.services.warranty.kill();
    try {
      await card(orderUid).getByLabel('Reason').fill('Missing bricks');
      await card(orderUid).getByRole('button', { name: 'Claim warranty' }).click();
      await message().filter({ hasText: 'is waiting' }).waitFor();
      await field(orderUid, 'Warranty claim').filter({ hasText: 'waiting for a decision' }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'storefront-claim-waiting.png'), fullPage: true });
    } finally {
      await system.services.warranty.start();
    }
    await field(orderUid, 'Warranty claim')
      .filter({ hasText: 'RETURN' })
      .waitFor({ timeout: CLAIM_PROCESSED_WITHIN_MS });
  });
});

describe('storefront with tokens required (AUTH_JWKS_URL)', () => {
  let jwks: JwksServer;
  let system: TestSystem;
  let page: Page;

  beforeAll(async () => {
    jwks = await JwksServer.start();
    system = await TestSystem.start({
      serviceEnv: { store: jwks.storeAuthEnv },
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await page?.close();
    await system?.stop();
    await jwks?.close();
  });

  it('asks for a token, and buys with one', async () => {
    await page.goto(system.url('store') + '/');
    // The catalogue is open; the orders need a token.
    await page.getByRole('button', { name: 'Buy Lego 8070, size M' }).waitFor();
    await page.locator('#orders').filter({ hasText: 'token' }).waitFor();

    await page.fill('#token', await jwks.token(ALEX_UID));
    await page.getByRole('button', { name: 'Use' }).click();
    await page.getByRole('button', { name: 'Buy Lego 8070, size M' }).click();
    await page.locator('#message').filter({ hasText: 'Bought' }).waitFor();
    await page.locator('article.order').first().waitFor();
  });
});
