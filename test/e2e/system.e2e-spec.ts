import { randomUUID } from 'node:crypto';
import {
  ALEX_UID,
  byModel,
  CatalogueItem,
  countOf,
  eventually,
  expectBadRequest,
  expectError,
  expectResponse,
  HttpClient,
  HealthReport,
  HealthTime,
  HttpMethod,
  LOWER_UUID,
  OrderCreated,
  paths,
  SEED_CATALOGUE,
  SERVICE_NAMES,
  ServiceName,
  SYSTEM_TIMEOUT_MS,
  TestSystem,
} from '../support';

/**
 * CONTRACT.md's conventions, health, start-up and shutdown, on all four services, and the
 * warehouse's atomic stock under parallel load — against one system of real processes.
 */

/** Warehouse runs in a zone with a fractional offset, so that time.offset and time.local are really checked. */
const WAREHOUSE_TZ = 'Asia/Kolkata';
const WAREHOUSE_OFFSET_HOURS = 5.5;

interface BodyEndpoint {
  path: () => string;
  valid: () => Record<string, unknown>;
  /** A body missing every required field, and the fields the 400 must name. */
  missing: string[];
  /** A body with every field of the wrong type or format. */
  wrong: Record<string, unknown>;
}

/** Per service: an endpoint with a JSON body, a route for a wrong method, and a path with a bad UUID. */
const endpoints: Record<
  ServiceName,
  { body: BodyEndpoint; wrongMethod: [HttpMethod, string]; badUuid: string }
> = {
  warranty: {
    body: {
      path: () => paths.warrantyClaim(randomUUID()),
      valid: () => ({ reason: 'Broken', availableCount: 1 }),
      missing: ['reason', 'availableCount'],
      wrong: { reason: 42, availableCount: 'many' },
    },
    wrongMethod: ['PUT', paths.warranty(randomUUID())],
    badUuid: paths.warranty('not-a-uuid'),
  },
  warehouse: {
    body: {
      path: () => paths.warehouse,
      valid: () => ({ orderUid: randomUUID(), model: 'Lego 8070', size: 'M' }),
      missing: ['orderUid', 'model', 'size'],
      wrong: { orderUid: 'abc', model: 7, size: 'XXL' },
    },
    wrongMethod: ['PUT', paths.warehouseItems],
    badUuid: paths.orderItem('6d2cb5a0-943c-4b96-9aa6'),
  },
  order: {
    body: {
      path: () => paths.userOrders(randomUUID()),
      valid: () => ({ model: 'Lego 8070', size: 'M' }),
      missing: ['model', 'size'],
      wrong: { model: ['Lego 8070'], size: 'XXL' },
    },
    wrongMethod: ['PATCH', paths.order(randomUUID())],
    badUuid: paths.userOrders('12345'),
  },
  store: {
    body: {
      path: () => paths.storePurchase(ALEX_UID),
      valid: () => ({ model: 'Lego 8070', size: 'M' }),
      missing: ['model', 'size'],
      wrong: { model: null, size: 3 },
    },
    wrongMethod: ['PUT', paths.storeItems],
    badUuid: paths.storeOrders(`${ALEX_UID}x`),
  },
};

describe('the system: conventions, health, start-up and shutdown, atomic stock', () => {
  let system: TestSystem;
  let http: Record<ServiceName, HttpClient>;

  beforeAll(async () => {
    system = await TestSystem.start({ serviceEnv: { warehouse: { TZ: WAREHOUSE_TZ } } });
    http = {
      store: system.http('store'),
      order: system.http('order'),
      warehouse: system.http('warehouse'),
      warranty: system.http('warranty'),
    };
    await system.sql(
      'warehouse',
      `UPDATE items SET available_count = 20 WHERE model = 'Lego 42070' AND size = 'L'`,
    );
  }, SYSTEM_TIMEOUT_MS);

  afterAll(async () => {
    await system?.stop();
  });

  async function catalogue(): Promise<CatalogueItem[]> {
    const response = await http.warehouse.get<CatalogueItem[]>(paths.warehouseItems);
    expect(response.status).toBe(200);
    return response.body;
  }

  describe('conventions for every endpoint', () => {
    let stockBefore: CatalogueItem[];
    let alexOrdersBefore: unknown;

    beforeAll(async () => {
      stockBefore = await catalogue();
      alexOrdersBefore = (await http.store.get(paths.storeOrders(ALEX_UID))).body;
    });

    describe.each(SERVICE_NAMES.map((service) => [service]))('%s', (service: ServiceName) => {
      const { body, wrongMethod, badUuid } = endpoints[service];

      it('unknown route: 404 JSON {message}', async () => {
        expectError(await http[service].get('/api/v1/no-such-route'), 404);
        expectError(await http[service].post('/no/such/route', {}), 404);
      });

      it('wrong method: 405 JSON {message}', async () => {
        const [method, path] = wrongMethod;
        expectError(await http[service].request(method, path, { body: {} }), 405);
      });

      it('malformed JSON: 400 JSON {message}', async () => {
        expectError(
          await http[service].request('POST', body.path(), { rawBody: '{"model": "Lego 8070",' }),
          400,
        );
      });

      it('a body over 1 MiB: 413 JSON {message}; just under 1 MiB is not refused for its size', async () => {
        const padding = (bytes: number) => JSON.stringify({ ...body.valid(), padding: 'x'.repeat(bytes) });
        expectError(
          await http[service].request('POST', body.path(), { rawBody: padding(1024 * 1024 + 10) }),
          413,
        );
        // Below the limit the body is read, and the unknown field is what is wrong with it.
        expectBadRequest(
          await http[service].request('POST', body.path(), { rawBody: padding(1000 * 1000) }),
          ['padding'],
        );
      });

      it('an unknown body field: 400 naming the field', async () => {
        expectBadRequest(await http[service].post(body.path(), { ...body.valid(), colour: 'red' }), [
          'colour',
        ]);
      });

      it('missing fields and wrong fields: 400 naming each field', async () => {
        expectBadRequest(await http[service].post(body.path(), {}), body.missing);
        expectBadRequest(await http[service].post(body.path(), body.wrong), Object.keys(body.wrong));
      });

      it('a body that is not a JSON object — an array, a scalar, none, another content type: 400', async () => {
        const notAnObject = 'Request body must be a JSON object (Content-Type: application/json)';
        for (const rawBody of ['[1, 2]', '"text"', '42', 'null', '']) {
          expectError(await http[service].request('POST', body.path(), { rawBody }), 400, notAnObject);
        }
        for (const contentType of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/jsonx',
          'json',
        ]) {
          const valid = JSON.stringify(body.valid());
          expectError(
            await http[service].request('POST', body.path(), {
              rawBody: valid,
              headers: { 'content-type': contentType },
            }),
            400,
            notAnObject,
          );
        }
      });

      it('a bad UUID in the path: 400 JSON {message}', async () => {
        expectError(await http[service].get(badUuid), 400);
      });

      it('a path that cannot be decoded (%ZZ): 400 JSON {message} with the request id', async () => {
        const answer = await http[service].get(`${badUuid}%ZZ`, { headers: { 'X-Request-Id': 'bad-url-1' } });
        expectError(answer, 400, /^Malformed URL: /);
        expect(answer.headers.get('x-request-id')).toBe('bad-url-1');
      });
    });

    it('the rejected requests changed nothing: stock and orders as before', async () => {
      expect(await catalogue()).toEqual(stockBefore);
      expectResponse(await http.store.get(paths.storeOrders(ALEX_UID)), 200, alexOrdersBefore);
    });
  });

  describe('health', () => {
    function expectTime(time: HealthTime, offsetHours: number, from: number) {
      expect(time).toEqual({ epoch: expect.any(Number), local: expect.any(String), offset: offsetHours });
      expect(Number.isInteger(time.epoch)).toBe(true);
      expect(time.epoch).toBeGreaterThanOrEqual(Math.floor(from / 1000) - 2);
      expect(time.epoch).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 2);
      const sign = offsetHours < 0 ? '-' : '+';
      const hh = String(Math.floor(Math.abs(offsetHours))).padStart(2, '0');
      const mm = String(Math.round((Math.abs(offsetHours) % 1) * 60)).padStart(2, '0');
      expect(time.local).toMatch(
        new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\${sign}${hh}:${mm}$`),
      );
      // The local time and the epoch are the same instant.
      expect(Math.abs(Date.parse(time.local) - time.epoch * 1000)).toBeLessThan(1000);
    }

    it.each(SERVICE_NAMES.map((service) => [service]))(
      '%s: GET /manage/health is 200 in the contract format; readiness the same; liveness 200',
      async (service: ServiceName) => {
        // `+ 0` turns the -0 of a UTC zone into 0.
        const offset =
          service === 'warehouse' ? WAREHOUSE_OFFSET_HOURS : -new Date().getTimezoneOffset() / 60 + 0;
        const from = Date.now();
        const health = await http[service].get<HealthReport>('/manage/health');
        expectResponse(health, 200, {
          status: 'Work',
          components: {
            db: { status: 'Work', name: system.databaseName(service), database: 'PostgreSQL' },
            ping: { status: 'Work' },
            time: expect.any(Object),
            // A service that uses RabbitMQ adds its broker.
            ...(health.body?.components?.broker
              ? { broker: expect.objectContaining({ status: 'Work' }) }
              : {}),
          },
        });
        expectTime(health.body.components.time, offset, from);

        const readiness = await http[service].get<HealthReport>('/manage/health/readiness');
        expectResponse(readiness, 200, {
          ...health.body,
          components: { ...health.body.components, time: expect.any(Object) },
        });
        expectTime(readiness.body.components.time, offset, from);

        expect((await http[service].get('/manage/health/liveness')).status).toBe(200);
      },
    );
  });

  it('takes stock atomically: 100 parallel orders for 20 units → 20 × 200, 80 × 409, none left', async () => {
    expect(countOf(await catalogue(), 'Lego 42070', 'L')).toBe(20);
    const userUid = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        http.order.post(paths.userOrders(userUid), { model: 'Lego 42070', size: 'L' }),
      ),
    );

    const statuses: Record<number, number> = {};
    for (const { status } of responses) statuses[status] = (statuses[status] ?? 0) + 1;
    expect(statuses).toEqual({ 200: 20, 409: 80 });
    for (const response of responses.filter(({ status }) => status === 409)) expectError(response, 409);
    expect(countOf(await catalogue(), 'Lego 42070', 'L')).toBe(0);

    const orders = await http.order.get<{ orderUid: string; itemUid: string; status: string }[]>(
      paths.userOrders(userUid),
    );
    expect(orders.status).toBe(200);
    expect(orders.body.map(({ orderUid }) => orderUid).sort()).toEqual(
      responses
        .filter(({ status }) => status === 200)
        .map(({ body }) => (body as { orderUid: string }).orderUid)
        .sort(),
    );
    expect(orders.body.every(({ status }) => status === 'PAID')).toBe(true);
    const itemUids = new Set(orders.body.map(({ itemUid }) => itemUid));
    expect(itemUids.size).toBe(20);
    for (const itemUid of itemUids) {
      expectResponse(await http.warehouse.get(paths.orderItem(itemUid)), 200, {
        orderItemUid: itemUid,
        orderUid: expect.stringMatching(LOWER_UUID),
        model: 'Lego 42070',
        size: 'L',
      });
    }
  });

  it(
    'SIGTERM stops every service with exit code 0; restarted on its database, nothing changes',
    async () => {
      const bought = await http.store.post<OrderCreated>(paths.storePurchase(ALEX_UID), {
        model: 'Lego 8070',
        size: 'M',
      });
      expect(bought.status).toBe(201);
      const orderView = (await http.store.get(paths.storeOrder(ALEX_UID, bought.body.orderUid))).body;
      const stock = await catalogue();
      expect(countOf(stock, 'Lego 8070', 'M')).toBeLessThan(10000);

      const exitCodes = Object.fromEntries(
        await Promise.all(
          SERVICE_NAMES.map(async (service) => [service, await system.services[service].restart()]),
        ),
      );
      expect(exitCodes).toEqual({ warranty: 0, warehouse: 0, order: 0, store: 0 });

      // Schema and seed are created once: the data survives, the seed is not applied again.
      expect(await catalogue()).toEqual(stock);
      expectResponse(await http.store.get(paths.storeOrder(ALEX_UID, bought.body.orderUid)), 200, orderView);
      const [users, items] = await Promise.all([
        system.sql('store', 'SELECT name, user_uid FROM users ORDER BY id'),
        system.sql('warehouse', 'SELECT model, size FROM items ORDER BY id'),
      ]);
      expect(users).toEqual([{ name: 'Alex', user_uid: ALEX_UID }]);
      expect(byModel(items.map((item) => ({ ...item, availableCount: 0 }) as CatalogueItem))).toEqual(
        byModel(SEED_CATALOGUE.map(({ model, size }) => ({ model, size, availableCount: 0 }))),
      );
      for (const service of SERVICE_NAMES) {
        expect((await http[service].get('/manage/health')).status).toBe(200);
      }
    },
    SYSTEM_TIMEOUT_MS,
  );

  (process.env.TEST_DATABASE_URL ? describe : describe.skip)('with real PostgreSQL: a lost database', () => {
    it.each(SERVICE_NAMES.map((service) => [service]))(
      '%s: dropping its database makes /manage/health 503 with status Fail and db Fail',
      async (service: ServiceName) => {
        await system.dropDatabase(service);
        const health = await eventually(async () => {
          const response = await http[service].get('/manage/health');
          expect(response.status).toBe(503);
          return response;
        });
        expectResponse(health, 503, {
          status: 'Fail',
          components: expect.objectContaining({
            db: expect.objectContaining({ status: 'Fail', error: expect.stringMatching(/\S/) }),
            ping: { status: 'Work' },
            time: expect.objectContaining({ epoch: expect.any(Number) }),
          }),
        });
        const readiness = await http[service].get('/manage/health/readiness');
        expect({ status: readiness.status, body: readiness.body }).toMatchObject({
          status: 503,
          body: { status: 'Fail', components: { db: { status: 'Fail' } } },
        });
        expect((await http[service].get('/manage/health/liveness')).status).toBe(200);
      },
    );
  });
});
