import { randomUUID } from 'node:crypto';
import {
  ALEX_UID,
  byModel,
  CatalogueItem,
  countOf,
  expectBadRequest,
  expectDateBetween,
  expectError,
  expectResponse,
  HttpClient,
  HttpResponse,
  LOWER_UUID,
  OrderCreated,
  OrderView,
  parsePrometheus,
  paths,
  SEED_CATALOGUE,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/** CONTRACT.md, the store service — the public API — over HTTP, against one system of real processes. */
describe('store service /api/v1/store', () => {
  let system: TestSystem;
  let store: HttpClient;
  let warehouse: HttpClient;
  let freshCatalogue: HttpResponse<CatalogueItem[]>;
  /** A second user, added to store's users table. */
  const BOB_UID = randomUUID();

  beforeAll(async () => {
    system = await TestSystem.start();
    store = system.http('store');
    warehouse = system.http('warehouse');
    freshCatalogue = await store.get(paths.storeItems);
    await Promise.all([
      system.sql('store', `INSERT INTO users (name, user_uid) VALUES ('Bob', $1)`, [BOB_UID]),
      system.sql(
        'warehouse',
        `UPDATE items SET available_count = 0 WHERE model = 'Lego 8880' AND size = 'L'`,
      ),
    ]);
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  async function catalogue(): Promise<CatalogueItem[]> {
    const response = await store.get<CatalogueItem[]>(paths.storeItems);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function stockOf(model: string, size: string): Promise<number> {
    return countOf(await catalogue(), model, size) as number;
  }

  async function purchase(userUid: string, model = 'Lego 8070', size = 'M'): Promise<string> {
    const response = await store.post<OrderCreated>(paths.storePurchase(userUid), { model, size });
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 201 });
    return response.body.orderUid;
  }

  async function view(userUid: string, orderUid: string): Promise<OrderView> {
    const response = await store.get<OrderView>(paths.storeOrder(userUid, orderUid));
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body;
  }

  describe('GET /items', () => {
    it("is the warehouse's catalogue: the seed on a fresh system", () => {
      expect(freshCatalogue.status).toBe(200);
      expect(byModel(freshCatalogue.body)).toEqual(byModel(SEED_CATALOGUE));
    });

    it("passes the warehouse's current catalogue through", async () => {
      const fromWarehouse = await warehouse.get(paths.warehouseItems);
      expectResponse(await store.get(paths.storeItems), 200, fromWarehouse.body);
      expect(countOf(fromWarehouse.body as CatalogueItem[], 'Lego 8880', 'L')).toBe(0);
    });
  });

  describe('an unknown user', () => {
    const stranger = randomUUID();
    const orderUid = randomUUID();

    it.each([
      ['GET /{userUid}/orders', () => store.get(paths.storeOrders(stranger))],
      ['GET /{userUid}/{orderUid}', () => store.get(paths.storeOrder(stranger, orderUid))],
      [
        'POST /{userUid}/{orderUid}/warranty',
        () => store.post(paths.storeClaim(stranger, orderUid), { reason: 'Broken' }),
      ],
      [
        'POST /{userUid}/purchase',
        () => store.post(paths.storePurchase(stranger), { model: 'Lego 8070', size: 'M' }),
      ],
      ['DELETE /{userUid}/{orderUid}/refund', () => store.delete(paths.storeRefund(stranger, orderUid))],
    ])('%s: 404 "User \'<userUid>\' not found"', async (_route, send) => {
      expectError(await send(), 404, `User '${stranger}' not found`);
    });

    it('is not found in upper case either, and the message names it in lower case', async () => {
      expectError(
        await store.get(paths.storeOrders(stranger.toUpperCase())),
        404,
        `User '${stranger}' not found`,
      );
    });

    it('is checked first: an unknown user with a bad body is a 404, not a 400 (the user is checked before the body)', async () => {
      expectError(
        await store.post(paths.storePurchase(stranger), { model: '', size: 'XXL' }),
        404,
        `User '${stranger}' not found`,
      );
      expectError(await store.post(paths.storeClaim(stranger, orderUid), { reason: 7 }), 404);
      expectError(await store.post(paths.storePurchase(ALEX_UID), { model: '', size: 'XXL' }), 400);
    });

    it('a purchase for an unknown user takes nothing from the warehouse', async () => {
      const before = await catalogue();
      expectError(await store.post(paths.storePurchase(stranger), { model: 'Lego 8070', size: 'M' }), 404);
      expect(await catalogue()).toEqual(before);
    });
  });

  describe('#4 POST /{userUid}/purchase', () => {
    it('201 with Location /api/v1/store/{userUid}/{orderUid} and body {orderUid}; stock −1', async () => {
      const before = await stockOf('Lego 8070', 'M');
      const response = await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M' });
      expectResponse(response, 201, { orderUid: expect.stringMatching(LOWER_UUID) });
      expect(response.headers.get('location')).toBe(`/api/v1/store/${ALEX_UID}/${response.body.orderUid}`);
      expect(await stockOf('Lego 8070', 'M')).toBe(before - 1);
    });

    it('an upper-case userUid works and the Location is in lower case', async () => {
      const response = await store.post<OrderCreated>(paths.storePurchase(ALEX_UID.toUpperCase()), {
        model: 'Lego 42070',
        size: 'L',
      });
      expectResponse(response, 201, { orderUid: expect.stringMatching(LOWER_UUID) });
      expect(response.headers.get('location')).toBe(`/api/v1/store/${ALEX_UID}/${response.body.orderUid}`);
      expect((await view(ALEX_UID, response.body.orderUid)).model).toBe('Lego 42070');
    });

    it('400 for bad fields, 404 unknown model or size, 409 none left — and nothing changes', async () => {
      const stock = await catalogue();
      const orders = await store.get(paths.storeOrders(ALEX_UID));
      expectBadRequest(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'XXL' }), [
        'size',
      ]);
      expectBadRequest(await store.post(paths.storePurchase(ALEX_UID), {}), ['model', 'size']);
      expectBadRequest(
        await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8070', size: 'M', gift: true }),
        ['gift'],
      );
      expectError(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 0000', size: 'M' }), 404);
      expectError(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8880', size: 'M' }), 404);
      expectError(await store.post(paths.storePurchase(ALEX_UID), { model: 'Lego 8880', size: 'L' }), 409);
      expectError(await store.post(paths.storePurchase('alex'), { model: 'Lego 8070', size: 'M' }), 400);

      expect(await catalogue()).toEqual(stock);
      expectResponse(await store.get(paths.storeOrders(ALEX_UID)), 200, orders.body);
    });
  });

  describe('#1 GET /{userUid}/orders and #2 GET /{userUid}/{orderUid}', () => {
    // warrantyClaim: the state of the latest warranty claim, added by the fault-tolerance issue
    // ("the store's order view shows the state of a pending claim").
    it('#2 is the order view {orderUid, date, status, model, size, warrantyDate, warrantyStatus, warrantyClaim}', async () => {
      const before = Date.now();
      const orderUid = await purchase(ALEX_UID, 'Lego 42070', 'L');
      const after = Date.now();
      const response = await store.get(paths.storeOrder(ALEX_UID, orderUid));
      expectResponse(response, 200, {
        orderUid,
        date: expect.any(String),
        status: 'PAID',
        model: 'Lego 42070',
        size: 'L',
        warrantyDate: expect.any(String),
        warrantyStatus: 'ON_WARRANTY',
        warrantyClaim: null,
      });
      expectDateBetween(response.body.date, before, after);
      expectDateBetween(response.body.warrantyDate, before, after);

      const upper = await store.get(paths.storeOrder(ALEX_UID.toUpperCase(), orderUid.toUpperCase()));
      expectResponse(upper, 200, response.body);
    });

    it('#1 lists exactly the views of the user; an empty array for a user without orders', async () => {
      expectResponse(await store.get(paths.storeOrders(BOB_UID)), 200, []);
      const first = await purchase(BOB_UID, 'Lego 8070', 'M');
      const second = await purchase(BOB_UID, 'Lego 42070', 'L');

      const list = await store.get<OrderView[]>(paths.storeOrders(BOB_UID));
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(2);
      expect(list.body).toEqual(
        expect.arrayContaining([await view(BOB_UID, first), await view(BOB_UID, second)]),
      );
      expectResponse(await store.get(paths.storeOrders(BOB_UID.toUpperCase())), 200, list.body);

      const alexOrders = await store.get<OrderView[]>(paths.storeOrders(ALEX_UID));
      expect(alexOrders.body.map((order) => order.orderUid)).not.toEqual(expect.arrayContaining([first]));
      expect(alexOrders.body.map((order) => order.orderUid)).not.toEqual(expect.arrayContaining([second]));
    });

    it('#1 costs one call to each service whatever the number of orders', async () => {
      const callsPerTarget = async (): Promise<Record<string, number>> => {
        const { text } = await store.get('/manage/prometheus', { notJson: true });
        const calls: Record<string, number> = {};
        for (const sample of parsePrometheus(text)) {
          if (sample.name !== 'http_client_requests_seconds_count') continue;
          calls[sample.labels.target] = (calls[sample.labels.target] ?? 0) + sample.value;
        }
        return calls;
      };
      const callsOfOneList = async (userUid: string) => {
        const before = await callsPerTarget();
        expect((await store.get(paths.storeOrders(userUid))).status).toBe(200);
        const after = await callsPerTarget();
        return Object.fromEntries(
          Object.keys(after).map((target) => [target, after[target] - (before[target] ?? 0)]),
        );
      };
      const few = randomUUID();
      const many = randomUUID();
      await system.sql('store', `INSERT INTO users (name, user_uid) VALUES ('Few', $1), ('Many', $2)`, [
        few,
        many,
      ]);
      await purchase(few);
      for (let i = 0; i < 30; i++) await purchase(many);

      const expected = { order: 1, warehouse: 1, warranty: 1 };
      expect(await callsOfOneList(few)).toEqual(expected);
      expect(await callsOfOneList(many)).toEqual(expected);
      const list = await store.get<OrderView[]>(paths.storeOrders(many));
      expect(list.body).toHaveLength(30);
      // And the list is the views of its orders, one by one.
      for (const order of list.body) expect(order).toEqual(await view(many, order.orderUid));
    });

    it("#2 is 404 for an unknown order and for another user's order; 400 for a bad UUID", async () => {
      const alexOrder = await purchase(ALEX_UID);
      const bobOrder = await purchase(BOB_UID);
      expectError(await store.get(paths.storeOrder(ALEX_UID, randomUUID())), 404);
      expectError(await store.get(paths.storeOrder(BOB_UID, alexOrder)), 404);
      expectError(await store.get(paths.storeOrder(ALEX_UID, bobOrder)), 404);
      expectError(await store.get(paths.storeOrder(ALEX_UID, 'not-a-uuid')), 400);
      expectError(await store.get(paths.storeOrders('not-a-uuid')), 400);
    });
  });

  describe('#3 POST /{userUid}/{orderUid}/warranty', () => {
    it('200 {orderUid, warrantyDate, decision}; RETURN, then a second claim is REFUSE', async () => {
      const orderUid = await purchase(ALEX_UID);
      const { warrantyDate } = await view(ALEX_UID, orderUid);

      const claim = await store.post(paths.storeClaim(ALEX_UID, orderUid), { reason: 'A brick is missing' });
      expectResponse(claim, 200, { orderUid, warrantyDate, decision: 'RETURN' });
      expect(await view(ALEX_UID, orderUid)).toMatchObject({
        status: 'PAID',
        warrantyStatus: 'USE_WARRANTY',
      });

      const again = await store.post(paths.storeClaim(ALEX_UID, orderUid.toUpperCase()), { reason: 'Again' });
      expectResponse(again, 200, { orderUid, warrantyDate, decision: 'REFUSE' });
      expect((await view(ALEX_UID, orderUid)).warrantyStatus).toBe('REMOVED_FROM_WARRANTY');
    });

    it("404 for an unknown order and for another user's order; 400 for a bad body", async () => {
      const bobOrder = await purchase(BOB_UID);
      expectError(await store.post(paths.storeClaim(ALEX_UID, randomUUID()), { reason: 'Unknown' }), 404);
      expectError(await store.post(paths.storeClaim(ALEX_UID, bobOrder), { reason: 'Not mine' }), 404);
      expectBadRequest(await store.post(paths.storeClaim(BOB_UID, bobOrder), {}), ['reason']);
      expectBadRequest(
        await store.post(paths.storeClaim(BOB_UID, bobOrder), { reason: 'x', decision: 'RETURN' }),
        ['decision'],
      );
      expectError(await store.post(paths.storeClaim(BOB_UID, 'nope'), { reason: 'x' }), 400);
      expect((await view(BOB_UID, bobOrder)).warrantyStatus).toBe('ON_WARRANTY');
    });
  });

  describe('#5 DELETE /{userUid}/{orderUid}/refund', () => {
    it('204, the order CANCELED, item back in stock, warranty closed; again 409', async () => {
      const orderUid = await purchase(ALEX_UID);
      const stock = await stockOf('Lego 8070', 'M');

      const refund = await store.delete(paths.storeRefund(ALEX_UID, orderUid));
      expectResponse(refund, 204);
      expect(refund.text).toBe('');
      expect(await view(ALEX_UID, orderUid)).toMatchObject({
        status: 'CANCELED',
        warrantyStatus: 'REMOVED_FROM_WARRANTY',
      });
      expect(await stockOf('Lego 8070', 'M')).toBe(stock + 1);

      expectError(await store.delete(paths.storeRefund(ALEX_UID, orderUid)), 409);
      expect(await stockOf('Lego 8070', 'M')).toBe(stock + 1);
    });

    it("404 for an unknown order and for another user's order, which stays as it was", async () => {
      const bobOrder = await purchase(BOB_UID);
      const before = await view(BOB_UID, bobOrder);
      const stock = await catalogue();
      expectError(await store.delete(paths.storeRefund(ALEX_UID, randomUUID())), 404);
      expectError(await store.delete(paths.storeRefund(ALEX_UID, bobOrder)), 404);
      expectError(await store.delete(paths.storeRefund(ALEX_UID, 'nope')), 400);
      expect(await view(BOB_UID, bobOrder)).toEqual(before);
      expect(await catalogue()).toEqual(stock);
    });
  });

  it('the whole flow: purchase → view → warranty claim → refund → view', async () => {
    const stock = await stockOf('Lego 42070', 'L');
    const bought = await store.post<OrderCreated>(paths.storePurchase(ALEX_UID), {
      model: 'Lego 42070',
      size: 'L',
    });
    expectResponse(bought, 201, { orderUid: expect.stringMatching(LOWER_UUID) });
    const { orderUid } = bought.body;
    const location = bought.headers.get('location') as string;
    expect(location).toBe(paths.storeOrder(ALEX_UID, orderUid));
    expect(await stockOf('Lego 42070', 'L')).toBe(stock - 1);

    const placed = await store.get<OrderView>(location);
    expectResponse(placed, 200, {
      orderUid,
      date: expect.any(String),
      status: 'PAID',
      model: 'Lego 42070',
      size: 'L',
      warrantyDate: expect.any(String),
      warrantyStatus: 'ON_WARRANTY',
      warrantyClaim: null,
    });

    const claim = await store.post(paths.storeClaim(ALEX_UID, orderUid), {
      reason: 'The crane does not turn',
    });
    expectResponse(claim, 200, { orderUid, warrantyDate: placed.body.warrantyDate, decision: 'RETURN' });
    const decided = { status: 'DONE', decision: 'RETURN' };
    expect(await view(ALEX_UID, orderUid)).toEqual({
      ...placed.body,
      warrantyStatus: 'USE_WARRANTY',
      warrantyClaim: decided,
    });

    expectResponse(await store.delete(paths.storeRefund(ALEX_UID, orderUid)), 204);
    const refunded = {
      ...placed.body,
      status: 'CANCELED',
      warrantyStatus: 'REMOVED_FROM_WARRANTY',
      warrantyClaim: decided,
    };
    expect(await view(ALEX_UID, orderUid)).toEqual(refunded);
    expect(await stockOf('Lego 42070', 'L')).toBe(stock);

    const list = await store.get<OrderView[]>(paths.storeOrders(ALEX_UID));
    expect(list.body.filter((order) => order.orderUid === orderUid)).toEqual([refunded]);
  });
});
