import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Size } from '@app/contracts';
import { ConflictError } from '@app/errors';
import { WarrantyClient } from '@app/service-client';
import { mockOf } from '@test/doubles/typed-mock';
import { warehouseSchema } from '../../apps/warehouse/src/database/schema';
import { Item } from '../../apps/warehouse/src/stock/item.entity';
import { OrderItem } from '../../apps/warehouse/src/stock/order-item.entity';
import { StockService } from '../../apps/warehouse/src/stock/stock.service';
import { WarehouseConfig } from '../../apps/warehouse/src/warehouse.config';
import { describeOnEachEngine, EngineUnderTest } from '../support';

/**
 * The warehouse's take (one CTE: a conditional decrement and the order item together) and return
 * against the real databases; the races — parallel takes of the last units, the same order taken
 * twice at once — on the real PostgreSQL, with several connection pools like several instances.
 */
const MODEL = 'Lego 42070';
const SIZE = Size.L;

function stockSpecs(db: EngineUnderTest): void {
  let dataSource: DataSource;
  let sut: StockService;

  const serviceOn = (source: DataSource) =>
    new StockService(source.getRepository(Item), source.getRepository(OrderItem), mockOf<WarrantyClient>());

  beforeAll(() => {
    dataSource = db.dataSource();
    sut = serviceOn(dataSource);
  });

  async function setStock(count: number): Promise<void> {
    await dataSource.query('UPDATE items SET available_count = $1 WHERE model = $2 AND size = $3', [
      count,
      MODEL,
      SIZE,
    ]);
  }

  async function stock(): Promise<number> {
    const item = await dataSource.getRepository(Item).findOneByOrFail({ model: MODEL, size: SIZE });
    return item.availableCount;
  }

  const take = (orderUid: string = randomUUID()) => sut.take({ orderUid, model: MODEL, size: SIZE });

  it('takes one unit per order, and the same unit again for the same order', async () => {
    await setStock(5);
    const orderUid = randomUUID();
    const first = await take(orderUid);
    expect(await take(orderUid)).toEqual(first);
    expect(await stock()).toBe(4);
  });

  it('takes the same unit again for an order that took the last one; a voided order none', async () => {
    await setStock(1);
    const orderUid = randomUUID();
    const first = await take(orderUid);
    expect(await take(orderUid)).toEqual(first); // none left, but this order holds one
    expect(await stock()).toBe(0);

    const voided = randomUUID();
    expect(await sut.voidOrder(voided)).toEqual({ orderItemUid: null }); // it holds no unit
    await expect(take(voided)).rejects.toThrow(`Order '${voided}'`); // none left, and its place is held
    expect(await stock()).toBe(0);
    expect(await sut.voidOrder(voided)).toEqual({ orderItemUid: null });
  });

  it('names the unit a voided order held, on every repeat, and puts it back once', async () => {
    await setStock(5);
    const { orderItemUid, orderUid } = await take();
    expect(await stock()).toBe(4);

    expect(await sut.voidOrder(orderUid)).toEqual({ orderItemUid });
    expect(await sut.voidOrder(orderUid)).toEqual({ orderItemUid });
    expect(await stock()).toBe(5);
  });

  it('returns a unit once, and never takes a returned unit again', async () => {
    await setStock(5);
    const { orderItemUid, orderUid } = await take();
    await sut.returnItem(orderItemUid);
    await sut.returnItem(orderItemUid);
    expect(await stock()).toBe(5);

    await expect(take(orderUid)).rejects.toThrow(ConflictError);
    expect(await stock()).toBe(5);
  });

  it('answers 409 when none is left, and finds several order items in one query', async () => {
    await setStock(1);
    const taken = await take();
    await expect(take()).rejects.toThrow(`No '${MODEL}' of size ${SIZE} left in the warehouse`);
    expect(await sut.findMany([taken.orderItemUid, randomUUID()])).toEqual([taken]);
  });

  if (db.engine === 'postgres') {
    it('never oversells: parallel takes from several instances of the last 20 units', async () => {
      await setStock(20);
      const instances = await Promise.all([db.openAnother(), db.openAnother()]);
      const services = [sut, ...instances.map(serviceOn)];

      const outcomes = await Promise.allSettled(
        Array.from({ length: 60 }, (_, i) =>
          services[i % services.length].take({ orderUid: randomUUID(), model: MODEL, size: SIZE }),
        ),
      );

      const taken = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(taken).toHaveLength(20);
      expect(
        outcomes
          .filter((outcome) => outcome.status === 'rejected')
          .every((outcome) => outcome.reason instanceof ConflictError),
      ).toBe(true);
      expect(await stock()).toBe(0);
    });

    it('takes one unit for an order taken twice at once from two instances', async () => {
      await setStock(10);
      const other = serviceOn(await db.openAnother());
      const orderUid = randomUUID();

      const [a, b] = await Promise.all([take(orderUid), other.take({ orderUid, model: MODEL, size: SIZE })]);

      expect(a).toEqual(b);
      expect(await stock()).toBe(9);
    });
  }
}

describeOnEachEngine('warehouse stock', WarehouseConfig, warehouseSchema, stockSpecs);
