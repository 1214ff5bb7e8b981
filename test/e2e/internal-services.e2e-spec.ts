import { randomUUID } from 'node:crypto';
import { MAX_BATCH_SIZE } from '@app/contracts';
import {
  byModel,
  CatalogueItem,
  countOf,
  expectBadRequest,
  expectDateBetween,
  expectError,
  expectResponse,
  expectStatus,
  HttpClient,
  HttpResponse,
  LOWER_UUID,
  OrderCreated,
  OrderInfo,
  OrderItem,
  paths,
  Row,
  SEED_CATALOGUE,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
  WarrantyInfo,
} from '../support';

/**
 * CONTRACT.md, the internal services — warranty, warehouse and order — row by row over HTTP,
 * against one system of real processes.
 */
describe('internal services (warranty, warehouse, order)', () => {
  let system: TestSystem;
  let warranty: HttpClient;
  let warehouse: HttpClient;
  let order: HttpClient;
  let freshCatalogue: HttpResponse<CatalogueItem[]>;
  let freshCatalogueSlash: HttpResponse<CatalogueItem[]>;
  /** Warranties that started 31 and 29 days ago (period: 30 days). */
  const expiredItemUid = randomUUID();
  const almostExpiredItemUid = randomUUID();
  const commentedItemUid = randomUUID();
  let commentedRows: Row[];

  beforeAll(async () => {
    system = await TestSystem.start();
    warranty = system.http('warranty');
    warehouse = system.http('warehouse');
    order = system.http('order');
    freshCatalogue = await warehouse.get(paths.warehouseItems);
    freshCatalogueSlash = await warehouse.get(`${paths.warehouseItems}/`);
    // A claim made before the SQL below, whose stored comment that SQL reads (one stop/start fewer
    // with the embedded engine).
    await warranty.post(paths.warranty(commentedItemUid));
    await warranty.post(paths.warrantyClaim(commentedItemUid), {
      reason: 'The tower leans',
      availableCount: 1,
    });
    const [[, commented]] = await Promise.all([
      system.sqlBatch('warranty', [
        {
          text: `INSERT INTO warranty (item_uid, warranty_date, status) VALUES
                   ($1, now() - interval '31 days', 'ON_WARRANTY'),
                   ($2, now() - interval '29 days', 'ON_WARRANTY')`,
          params: [expiredItemUid, almostExpiredItemUid],
        },
        { text: 'SELECT status, comment FROM warranty WHERE item_uid = $1', params: [commentedItemUid] },
      ]),
      system.sqlBatch('warehouse', [
        { text: `UPDATE items SET available_count = 0 WHERE model = 'Lego 8880' AND size = 'L'` },
        { text: `UPDATE items SET available_count = 2 WHERE model = 'Lego 42070' AND size = 'L'` },
      ]),
    ]);
    commentedRows = commented;
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  async function catalogue(): Promise<CatalogueItem[]> {
    const response = await warehouse.get<CatalogueItem[]>(paths.warehouseItems);
    expect(response.status).toBe(200);
    return response.body;
  }

  async function stockOf(model: string, size: string): Promise<number | undefined> {
    return countOf(await catalogue(), model, size);
  }

  async function warrantyOf(itemUid: string): Promise<WarrantyInfo> {
    const response = await warranty.get<WarrantyInfo>(paths.warranty(itemUid));
    expect(response.status).toBe(200);
    return response.body;
  }

  async function takeItem(model: string, size: string): Promise<OrderItem> {
    const response = await warehouse.post<OrderItem>(paths.warehouse, {
      orderUid: randomUUID(),
      model,
      size,
    });
    expect({ status: response.status, body: response.body }).toMatchObject({ status: 200 });
    return response.body;
  }

  it('document their batch look-ups (the order list) in Swagger, with their bounded request', async () => {
    const lookups = [
      [warranty, '/api/v1/warranty/lookup'],
      [warehouse, '/api/v1/warehouse/order-items/lookup'],
    ] as const;
    for (const [service, path] of lookups) {
      const docs = await service.get<{ paths: Record<string, { post?: { requestBody?: unknown } }> }>(
        '/api-docs-json',
      );
      expect(docs.status).toBe(200);
      expect(docs.body.paths[path]?.post?.requestBody).toBeDefined();
      // Over the bound: refused, not looked up.
      const tooMany = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => randomUUID());
      const field = path.includes('warehouse') ? 'orderItemUids' : 'itemUids';
      expect((await service.post(path, { [field]: tooMany })).status).toBe(400);
    }
  });

  describe('warranty service /api/v1/warranty', () => {
    it('POST /{itemUid} starts a warranty: 204, ON_WARRANTY, warrantyDate now', async () => {
      const itemUid = randomUUID();
      const before = Date.now();
      const started = await warranty.post(paths.warranty(itemUid));
      const after = Date.now();
      expectResponse(started, 204);
      expect(started.text).toBe('');

      const found = await warranty.get(paths.warranty(itemUid));
      expectResponse(found, 200, { itemUid, warrantyDate: expect.any(String), status: 'ON_WARRANTY' });
      expectDateBetween(found.body.warrantyDate, before, after);
    });

    it('repeating the start of an existing warranty answers 204 and changes nothing', async () => {
      const itemUid = randomUUID();
      expectResponse(await warranty.post(paths.warranty(itemUid)), 204);
      const first = await warrantyOf(itemUid);

      expectResponse(await warranty.post(paths.warranty(itemUid)), 204);
      expect(await warrantyOf(itemUid)).toEqual(first);

      // Also after a claim: the warranty is not restarted.
      await warranty.post(paths.warrantyClaim(itemUid), { reason: 'Broken', availableCount: 1 });
      const used = await warrantyOf(itemUid);
      expect(used).toEqual({ ...first, status: 'USE_WARRANTY' });
      expectResponse(await warranty.post(paths.warranty(itemUid)), 204);
      expect(await warrantyOf(itemUid)).toEqual(used);
    });

    it('GET /{itemUid} of an unknown item is 404', async () => {
      expectError(await warranty.get(paths.warranty(randomUUID())), 404);
    });

    it('claim: RETURN when availableCount > 0, then status USE_WARRANTY; warrantyDate is the start', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      const { warrantyDate } = await warrantyOf(itemUid);

      const claim = await warranty.post(paths.warrantyClaim(itemUid), {
        reason: 'Missing bricks',
        availableCount: 3,
      });
      expectResponse(claim, 200, { warrantyDate, decision: 'RETURN' });
      expect(await warrantyOf(itemUid)).toEqual({ itemUid, warrantyDate, status: 'USE_WARRANTY' });
    });

    it('claim: FIXING when availableCount is 0, then status USE_WARRANTY', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      const { warrantyDate } = await warrantyOf(itemUid);

      const claim = await warranty.post(paths.warrantyClaim(itemUid), {
        reason: 'Cracked',
        availableCount: 0,
      });
      expectResponse(claim, 200, { warrantyDate, decision: 'FIXING' });
      expect((await warrantyOf(itemUid)).status).toBe('USE_WARRANTY');
    });

    it('claim: a second claim is REFUSE, then status REMOVED_FROM_WARRANTY', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      const { warrantyDate } = await warrantyOf(itemUid);
      expectResponse(
        await warranty.post(paths.warrantyClaim(itemUid), { reason: 'First', availableCount: 5 }),
        200,
        {
          warrantyDate,
          decision: 'RETURN',
        },
      );

      const second = await warranty.post(paths.warrantyClaim(itemUid), {
        reason: 'Second',
        availableCount: 5,
      });
      expectResponse(second, 200, { warrantyDate, decision: 'REFUSE' });
      expect(await warrantyOf(itemUid)).toEqual({ itemUid, warrantyDate, status: 'REMOVED_FROM_WARRANTY' });
    });

    it('claim with an Idempotency-Key: a repeat gets the first decision; the key on another item is 422 and changes nothing', async () => {
      const [first, other] = [randomUUID(), randomUUID()];
      await warranty.post(paths.warranty(first));
      await warranty.post(paths.warranty(other));
      const { warrantyDate } = await warrantyOf(first);
      const headers = { 'Idempotency-Key': randomUUID() };
      const claim = { reason: 'Broken', availableCount: 2 };

      expectResponse(await warranty.post(paths.warrantyClaim(first), claim, { headers }), 200, {
        warrantyDate,
        decision: 'RETURN',
      });
      // Decided again without the key, it would be REFUSE: the repeat is answered, not decided.
      expectResponse(await warranty.post(paths.warrantyClaim(first), claim, { headers }), 200, {
        warrantyDate,
        decision: 'RETURN',
      });
      expect((await warrantyOf(first)).status).toBe('USE_WARRANTY');

      expectError(
        await warranty.post(paths.warrantyClaim(other), claim, { headers }),
        422,
        /used for a claim on another item/,
      );
      expect((await warrantyOf(other)).status).toBe('ON_WARRANTY');
    });

    it('claim: REFUSE after the 30-day period even when ON_WARRANTY; RETURN on day 29', async () => {
      const expired = await warrantyOf(expiredItemUid);
      expect(expired.status).toBe('ON_WARRANTY');
      const refused = await warranty.post(paths.warrantyClaim(expiredItemUid), {
        reason: 'Late',
        availableCount: 5,
      });
      expectResponse(refused, 200, { warrantyDate: expired.warrantyDate, decision: 'REFUSE' });
      expect((await warrantyOf(expiredItemUid)).status).toBe('REMOVED_FROM_WARRANTY');

      const almost = await warrantyOf(almostExpiredItemUid);
      const accepted = await warranty.post(paths.warrantyClaim(almostExpiredItemUid), {
        reason: 'Just in time',
        availableCount: 5,
      });
      expectResponse(accepted, 200, { warrantyDate: almost.warrantyDate, decision: 'RETURN' });
      expect((await warrantyOf(almostExpiredItemUid)).status).toBe('USE_WARRANTY');
    });

    it('claim: a closed warranty (DELETE) is REFUSE', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      expectResponse(await warranty.delete(paths.warranty(itemUid)), 204);
      const claim = await warranty.post(paths.warrantyClaim(itemUid), {
        reason: 'After return',
        availableCount: 5,
      });
      expectResponse(claim, 200, { warrantyDate: expect.any(String), decision: 'REFUSE' });
      expect((await warrantyOf(itemUid)).status).toBe('REMOVED_FROM_WARRANTY');
    });

    it('claim of an unknown item: 404 "Warranty not found for itemUid \'<itemUid>\'"', async () => {
      const itemUid = randomUUID();
      const claim = await warranty.post(paths.warrantyClaim(itemUid), {
        reason: 'Who am I',
        availableCount: 1,
      });
      expectError(claim, 404, `Warranty not found for itemUid '${itemUid}'`);

      const upper = await warranty.post(paths.warrantyClaim(itemUid.toUpperCase()), {
        reason: 'Who am I',
        availableCount: 1,
      });
      expectError(upper, 404, `Warranty not found for itemUid '${itemUid}'`);
    });

    it('claim of a voided warranty (its purchase rolled back): 404, as if it never was', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      expectStatus(await warranty.post(`${paths.warranty(itemUid)}/void`), 204);

      const claim = await warranty.post(paths.warrantyClaim(itemUid), {
        reason: 'Broken',
        availableCount: 1,
      });
      expectError(claim, 404, `Warranty not found for itemUid '${itemUid}'`);
    });

    it('claim with bad fields: 400 naming each field, and the warranty is unchanged', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      const before = await warrantyOf(itemUid);

      expectBadRequest(await warranty.post(paths.warrantyClaim(itemUid), {}), ['reason', 'availableCount']);
      expectBadRequest(
        await warranty.post(paths.warrantyClaim(itemUid), { reason: 'x', availableCount: -1 }),
        ['availableCount'],
      );
      expectBadRequest(
        await warranty.post(paths.warrantyClaim(itemUid), { reason: '', availableCount: 1.5 }),
        ['reason', 'availableCount'],
      );
      expectBadRequest(
        await warranty.post(paths.warrantyClaim(itemUid), {
          reason: 'x',
          availableCount: 1,
          decision: 'RETURN',
        }),
        ['decision'],
      );
      expect(await warrantyOf(itemUid)).toEqual(before);
    });

    it('DELETE /{itemUid} closes the warranty: 204, REMOVED_FROM_WARRANTY; repeat 204', async () => {
      const itemUid = randomUUID();
      await warranty.post(paths.warranty(itemUid));
      const { warrantyDate } = await warrantyOf(itemUid);

      const closed = await warranty.delete(paths.warranty(itemUid));
      expectResponse(closed, 204);
      expect(closed.text).toBe('');
      expect(await warrantyOf(itemUid)).toEqual({ itemUid, warrantyDate, status: 'REMOVED_FROM_WARRANTY' });

      expectResponse(await warranty.delete(paths.warranty(itemUid)), 204);
      expect(await warrantyOf(itemUid)).toEqual({ itemUid, warrantyDate, status: 'REMOVED_FROM_WARRANTY' });

      // A repeated start does not reopen it.
      expectResponse(await warranty.post(paths.warranty(itemUid)), 204);
      expect((await warrantyOf(itemUid)).status).toBe('REMOVED_FROM_WARRANTY');
    });

    it('DELETE /{itemUid} of an unknown item is 404', async () => {
      expectError(await warranty.delete(paths.warranty(randomUUID())), 404);
    });

    it('matches item UIDs case-insensitively and answers them in lower case', async () => {
      const itemUid = randomUUID();
      expectResponse(await warranty.post(paths.warranty(itemUid.toUpperCase())), 204);
      const found = await warranty.get(paths.warranty(itemUid));
      expectResponse(found, 200, { itemUid, warrantyDate: expect.any(String), status: 'ON_WARRANTY' });
      const upper = await warranty.get(paths.warranty(itemUid.toUpperCase()));
      expectResponse(upper, 200, found.body);
      expect(upper.body.itemUid).toMatch(LOWER_UUID);
    });

    it('rejects a bad UUID in the path with 400 on every route', async () => {
      expectError(await warranty.post(paths.warranty('not-a-uuid')), 400);
      expectError(await warranty.get(paths.warranty('1234')), 400);
      expectError(await warranty.post(paths.warrantyClaim('xyz'), { reason: 'x', availableCount: 1 }), 400);
      expectError(await warranty.delete(paths.warranty('6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2g')), 400);
    });
  });

  describe('warehouse service /api/v1/warehouse', () => {
    it('GET /items is the seeded catalogue (also with a trailing slash)', () => {
      expect(freshCatalogue.status).toBe(200);
      expect(byModel(freshCatalogue.body)).toEqual(byModel(SEED_CATALOGUE));
      expectResponse(freshCatalogueSlash, 200, freshCatalogue.body);
    });

    it('GET /items/ with a trailing slash answers the same as GET /items', async () => {
      const [plain, slash] = [
        await warehouse.get(paths.warehouseItems),
        await warehouse.get(`${paths.warehouseItems}/`),
      ];
      expectResponse(slash, 200, plain.body);
    });

    it('POST / takes one item: 200 {orderItemUid, orderUid, model, size}, available count −1', async () => {
      const before = await stockOf('Lego 8070', 'M');
      const orderUid = randomUUID();
      const taken = await warehouse.post<OrderItem>(paths.warehouse, {
        orderUid,
        model: 'Lego 8070',
        size: 'M',
      });
      expectResponse(taken, 200, {
        orderItemUid: expect.stringMatching(LOWER_UUID),
        orderUid,
        model: 'Lego 8070',
        size: 'M',
      });
      expect(taken.body.orderItemUid).not.toBe(orderUid);
      expect(await stockOf('Lego 8070', 'M')).toBe((before as number) - 1);

      expectResponse(await warehouse.get(paths.orderItem(taken.body.orderItemUid)), 200, taken.body);
    });

    it('POST /api/v1/warehouse/ with a trailing slash is the same endpoint', async () => {
      const before = await stockOf('Lego 8070', 'M');
      const orderUid = randomUUID();
      const taken = await warehouse.post<OrderItem>(`${paths.warehouse}/`, {
        orderUid,
        model: 'Lego 8070',
        size: 'M',
      });
      expectResponse(taken, 200, {
        orderItemUid: expect.stringMatching(LOWER_UUID),
        orderUid,
        model: 'Lego 8070',
        size: 'M',
      });
      expect(await stockOf('Lego 8070', 'M')).toBe((before as number) - 1);
    });

    it('POST / answers UUIDs of the body in lower case; GET matches them case-insensitively', async () => {
      const orderUid = randomUUID();
      const taken = await warehouse.post<OrderItem>(paths.warehouse, {
        orderUid: orderUid.toUpperCase(),
        model: 'Lego 8070',
        size: 'M',
      });
      expectResponse(taken, 200, {
        orderItemUid: expect.stringMatching(LOWER_UUID),
        orderUid,
        model: 'Lego 8070',
        size: 'M',
      });
      expectResponse(
        await warehouse.get(paths.orderItem(taken.body.orderItemUid.toUpperCase())),
        200,
        taken.body,
      );
    });

    it('POST / of an unknown model or size is 404 and takes nothing', async () => {
      const before = await catalogue();
      expectError(
        await warehouse.post(paths.warehouse, { orderUid: randomUUID(), model: 'Lego 0000', size: 'M' }),
        404,
      );
      expectError(
        await warehouse.post(paths.warehouse, { orderUid: randomUUID(), model: 'Lego 8070', size: 'XL' }),
        404,
      );
      expect(await catalogue()).toEqual(before);
    });

    it('POST / when none is left is 409 and the count stays 0', async () => {
      expect(await stockOf('Lego 8880', 'L')).toBe(0);
      expectError(
        await warehouse.post(paths.warehouse, { orderUid: randomUUID(), model: 'Lego 8880', size: 'L' }),
        409,
      );
      expect(await stockOf('Lego 8880', 'L')).toBe(0);
    });

    it('POST / with bad fields is 400 naming each field and takes nothing', async () => {
      const before = await catalogue();
      expectBadRequest(await warehouse.post(paths.warehouse, {}), ['orderUid', 'model', 'size']);
      expectBadRequest(
        await warehouse.post(paths.warehouse, { orderUid: 'abc', model: 'Lego 8070', size: 'XXL' }),
        ['orderUid', 'size'],
      );
      expectBadRequest(
        await warehouse.post(paths.warehouse, { orderUid: randomUUID(), model: 42, size: 'M' }),
        ['model'],
      );
      expectBadRequest(
        await warehouse.post(paths.warehouse, {
          orderUid: randomUUID(),
          model: 'Lego 8070',
          size: 'M',
          count: 2,
        }),
        ['count'],
      );
      expect(await catalogue()).toEqual(before);
    });

    it('GET /{orderItemUid}: 404 unknown, 400 not a UUID', async () => {
      expectError(await warehouse.get(paths.orderItem(randomUUID())), 404);
      expectError(await warehouse.get(paths.orderItem('not-a-uuid')), 400);
    });

    it('POST /{orderItemUid}/warranty asks warranty with the current available count', async () => {
      // Two units left of Lego 42070 L: take both, so none is left.
      const first = await takeItem('Lego 42070', 'L');
      const second = await takeItem('Lego 42070', 'L');
      expect(await stockOf('Lego 42070', 'L')).toBe(0);
      await warranty.post(paths.warranty(first.orderItemUid));
      await warranty.post(paths.warranty(second.orderItemUid));
      const firstWarranty = await warrantyOf(first.orderItemUid);

      const fixing = await warehouse.post(paths.orderItemClaim(first.orderItemUid), { reason: 'Wobbly' });
      expectResponse(fixing, 200, { warrantyDate: firstWarranty.warrantyDate, decision: 'FIXING' });
      expect((await warrantyOf(first.orderItemUid)).status).toBe('USE_WARRANTY');

      // Returning the first one puts a unit back: now the decision is RETURN.
      expectResponse(await warehouse.delete(paths.orderItem(first.orderItemUid)), 204);
      expect(await stockOf('Lego 42070', 'L')).toBe(1);
      const secondWarranty = await warrantyOf(second.orderItemUid);
      const exchange = await warehouse.post(paths.orderItemClaim(second.orderItemUid), {
        reason: 'Wobbly too',
      });
      expectResponse(exchange, 200, { warrantyDate: secondWarranty.warrantyDate, decision: 'RETURN' });
      expect((await warrantyOf(second.orderItemUid)).status).toBe('USE_WARRANTY');
    });

    it('POST /{orderItemUid}/warranty without a warranty: 404 "Warranty not found for itemUid \'<uid>\'"', async () => {
      const { orderItemUid } = await takeItem('Lego 8070', 'M');
      const claim = await warehouse.post(paths.orderItemClaim(orderItemUid), { reason: 'No warranty' });
      expectError(claim, 404, `Warranty not found for itemUid '${orderItemUid}'`);
    });

    it('POST /{orderItemUid}/warranty: 404 unknown order item, 400 bad body or UUID', async () => {
      expectError(await warehouse.post(paths.orderItemClaim(randomUUID()), { reason: 'Unknown' }), 404);
      const { orderItemUid } = await takeItem('Lego 8070', 'M');
      await warranty.post(paths.warranty(orderItemUid));
      expectBadRequest(await warehouse.post(paths.orderItemClaim(orderItemUid), {}), ['reason']);
      expectBadRequest(
        await warehouse.post(paths.orderItemClaim(orderItemUid), { reason: 'x', availableCount: 9 }),
        ['availableCount'],
      );
      expectError(await warehouse.post(paths.orderItemClaim('nope'), { reason: 'x' }), 400);
      expect((await warrantyOf(orderItemUid)).status).toBe('ON_WARRANTY');
    });

    it('DELETE /{orderItemUid} returns the item once: 204 and +1, repeat 204 and no change', async () => {
      const { orderItemUid } = await takeItem('Lego 8070', 'M');
      const before = await stockOf('Lego 8070', 'M');

      const returned = await warehouse.delete(paths.orderItem(orderItemUid));
      expectResponse(returned, 204);
      expect(returned.text).toBe('');
      expect(await stockOf('Lego 8070', 'M')).toBe((before as number) + 1);

      expectResponse(await warehouse.delete(paths.orderItem(orderItemUid)), 204);
      expectResponse(await warehouse.delete(paths.orderItem(orderItemUid.toUpperCase())), 204);
      expect(await stockOf('Lego 8070', 'M')).toBe((before as number) + 1);
    });

    it('POST /orders/{orderUid}/void: 200 naming the unit the order held, on every repeat; null if it took none', async () => {
      const { orderItemUid, orderUid } = await takeItem('Lego 8070', 'M');
      const before = await stockOf('Lego 8070', 'M');

      expectResponse(await warehouse.post(`${paths.warehouse}/orders/${orderUid}/void`), 200, {
        orderItemUid,
      });
      expectResponse(await warehouse.post(`${paths.warehouse}/orders/${orderUid}/void`), 200, {
        orderItemUid,
      });
      expect(await stockOf('Lego 8070', 'M')).toBe((before as number) + 1);

      const neverTook = randomUUID();
      expectResponse(await warehouse.post(`${paths.warehouse}/orders/${neverTook}/void`), 200, {
        orderItemUid: null,
      });
      expectError(await warehouse.post(`${paths.warehouse}/orders/0000/void`), 400);
    });

    it('DELETE /{orderItemUid}: 404 unknown, 400 not a UUID', async () => {
      const before = await catalogue();
      expectError(await warehouse.delete(paths.orderItem(randomUUID())), 404);
      expectError(await warehouse.delete(paths.orderItem('0000')), 400);
      expect(await catalogue()).toEqual(before);
    });
  });

  describe('order service /api/v1/orders', () => {
    const userUid = randomUUID();
    let placed: OrderInfo;

    it('POST /{userUid} places an order: 200 {orderUid}, PAID, item taken, warranty started', async () => {
      const stockBefore = await stockOf('Lego 8070', 'M');
      const before = Date.now();
      const response = await order.post<OrderCreated>(paths.userOrders(userUid), {
        model: 'Lego 8070',
        size: 'M',
      });
      const after = Date.now();
      expectResponse(response, 200, { orderUid: expect.stringMatching(LOWER_UUID) });
      const { orderUid } = response.body;

      const found = await order.get<OrderInfo>(paths.userOrder(userUid, orderUid));
      expectResponse(found, 200, {
        orderUid,
        orderDate: expect.any(String),
        itemUid: expect.stringMatching(LOWER_UUID),
        status: 'PAID',
      });
      expectDateBetween(found.body.orderDate, before, after);
      placed = found.body;

      expect(await stockOf('Lego 8070', 'M')).toBe((stockBefore as number) - 1);
      expectResponse(await warehouse.get(paths.orderItem(placed.itemUid)), 200, {
        orderItemUid: placed.itemUid,
        orderUid,
        model: 'Lego 8070',
        size: 'M',
      });
      const itemWarranty = await warrantyOf(placed.itemUid);
      expect(itemWarranty).toEqual({
        itemUid: placed.itemUid,
        warrantyDate: expect.any(String),
        status: 'ON_WARRANTY',
      });
      expectDateBetween(itemWarranty.warrantyDate, before, after);
    });

    it("GET /{userUid}/{orderUid}: 404 for an unknown order and for another user's order", async () => {
      expectError(await order.get(paths.userOrder(userUid, randomUUID())), 404);
      expectError(await order.get(paths.userOrder(randomUUID(), placed.orderUid)), 404);
    });

    it('GET /{userUid}/{orderUid} matches UUIDs case-insensitively and answers them in lower case', async () => {
      const upper = await order.get(paths.userOrder(userUid.toUpperCase(), placed.orderUid.toUpperCase()));
      expectResponse(upper, 200, { ...placed, status: 'PAID' });
    });

    it('GET /{userUid} lists the orders of the user; an empty array for a user with none', async () => {
      const second = await order.post(paths.userOrders(userUid.toUpperCase()), {
        model: 'Lego 8070',
        size: 'M',
      });
      expect(second.status).toBe(200);
      const list = await order.get(paths.userOrders(userUid));
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(2);
      expect(list.body).toEqual(
        expect.arrayContaining([
          { ...placed, status: 'PAID' },
          {
            orderUid: second.body.orderUid,
            orderDate: expect.any(String),
            itemUid: expect.any(String),
            status: 'PAID',
          },
        ]),
      );
      expectResponse(await order.get(paths.userOrders(randomUUID())), 200, []);
    });

    it('POST /{orderUid}/warranty claims through warehouse: 200 {warrantyDate, decision}', async () => {
      const { warrantyDate } = await warrantyOf(placed.itemUid);
      const claim = await order.post(paths.orderClaim(placed.orderUid), { reason: 'Wheel fell off' });
      expectResponse(claim, 200, { warrantyDate, decision: 'RETURN' });
      expect((await warrantyOf(placed.itemUid)).status).toBe('USE_WARRANTY');
    });

    it('POST /{orderUid}/warranty: 404 unknown order, 400 bad body', async () => {
      expectError(await order.post(paths.orderClaim(randomUUID()), { reason: 'Unknown' }), 404);
      expectBadRequest(await order.post(paths.orderClaim(placed.orderUid), { reason: '' }), ['reason']);
      expectBadRequest(await order.post(paths.orderClaim(placed.orderUid), { why: 'x', reason: 'x' }), [
        'why',
      ]);
    });

    it('DELETE /{orderUid} returns the order: 204, CANCELED, item back, warranty closed; again 409', async () => {
      const stockBefore = await stockOf('Lego 8070', 'M');
      const canceled = await order.delete(paths.order(placed.orderUid));
      expectResponse(canceled, 204);
      expect(canceled.text).toBe('');

      expectResponse(await order.get(paths.userOrder(userUid, placed.orderUid)), 200, {
        ...placed,
        status: 'CANCELED',
      });
      expect(await stockOf('Lego 8070', 'M')).toBe((stockBefore as number) + 1);
      expect((await warrantyOf(placed.itemUid)).status).toBe('REMOVED_FROM_WARRANTY');

      expectError(await order.delete(paths.order(placed.orderUid)), 409);
      expectError(await order.delete(paths.order(placed.orderUid.toUpperCase())), 409);
      expect(await stockOf('Lego 8070', 'M')).toBe((stockBefore as number) + 1);
      expect((await order.get(paths.userOrder(userUid, placed.orderUid))).body.status).toBe('CANCELED');
    });

    it('DELETE /{orderUid}: 404 unknown order, 400 not a UUID', async () => {
      expectError(await order.delete(paths.order(randomUUID())), 404);
      expectError(await order.delete(paths.order('not-a-uuid')), 400);
    });

    it("POST /{userUid} passes warehouse's errors on (404, 409) and validates (400); nothing is stored", async () => {
      const buyer = randomUUID();
      const before = await catalogue();
      expectError(await order.post(paths.userOrders(buyer), { model: 'Lego 0000', size: 'M' }), 404);
      expectError(await order.post(paths.userOrders(buyer), { model: 'Lego 8070', size: 'S' }), 404);
      expectError(await order.post(paths.userOrders(buyer), { model: 'Lego 8880', size: 'L' }), 409);
      expectBadRequest(await order.post(paths.userOrders(buyer), { model: 'Lego 8070', size: 'XXL' }), [
        'size',
      ]);
      expectBadRequest(await order.post(paths.userOrders(buyer), { size: 'M' }), ['model']);
      expectBadRequest(
        await order.post(paths.userOrders(buyer), { model: 'Lego 8070', size: 'M', price: 1 }),
        ['price'],
      );
      expectError(await order.post(paths.userOrders('not-a-uuid'), { model: 'Lego 8070', size: 'M' }), 400);

      expectResponse(await order.get(paths.userOrders(buyer)), 200, []);
      expect(await catalogue()).toEqual(before);
    });
  });

  it('the warranty stores the reason of a claim as its comment', () => {
    expect(commentedRows).toEqual([{ status: 'USE_WARRANTY', comment: 'The tower leans' }]);
  });
});
