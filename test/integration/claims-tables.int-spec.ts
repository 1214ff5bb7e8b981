import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WarrantyDecision } from '@app/contracts';
import { queryRows } from '@app/database';
import { ClaimOutboxTable } from '../../apps/store/src/claims/claim-outbox-table';
import { ClaimQueueTable } from '../../apps/store/src/claims/claim-queue-table';
import { ClaimRecords } from '../../apps/store/src/claims/claim-records';
import { WarrantyClaim } from '../../apps/store/src/claims/warranty-claim.entity';
import { storeSchema } from '../../apps/store/src/database/schema';
import { StoreConfig } from '../../apps/store/src/store.config';
import { describeOnEachEngine, EngineUnderTest } from '../support';

/**
 * The hand-written SQL over warranty_claim — the embedded queue's lease (FOR UPDATE SKIP LOCKED),
 * the outbox relay's pick of unpublished and overdue claims, the batch look-up of latest claims,
 * the dead-letter replay — on both engines; the races between instances on the real PostgreSQL,
 * where rows really lock (PGlite has one session).
 */
function claimsTableSpecs(db: EngineUnderTest): void {
  let dataSource: DataSource;
  let records: ClaimRecords;
  let queue: ClaimQueueTable;
  let outbox: ClaimOutboxTable;

  beforeAll(() => {
    dataSource = db.dataSource();
    const repository = dataSource.getRepository(WarrantyClaim);
    records = new ClaimRecords(repository);
    queue = new ClaimQueueTable(repository);
    outbox = new ClaimOutboxTable(repository);
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE warranty_claim');
  });

  async function pending(delayMs = 0, orderUid = randomUUID()): Promise<string> {
    const claim = await records.insertPending({
      claimUid: randomUUID(),
      orderUid,
      userUid: randomUUID(),
      reason: 'Broken',
      attempts: 1,
      lastError: 'Warranty Service unavailable',
      delayMs,
    });
    return claim.claimUid;
  }

  /** Moves a claim's clock: its next try and last change `ms` into the past. */
  async function age(claimUid: string, ms: number): Promise<void> {
    await queryRows(
      dataSource.manager,
      `UPDATE warranty_claim SET next_attempt_at = now() - $2::int * interval '1 millisecond',
         updated_at = now() - $2::int * interval '1 millisecond' WHERE claim_uid = $1`,
      [claimUid, ms],
    );
  }

  it('leases due claims earliest first, and not again while the lease lasts', async () => {
    const later = await pending(60_000);
    const second = await pending();
    const first = await pending();
    await age(first, 2000);
    await age(second, 1000);

    expect(await queue.leaseDue(10, 30_000)).toEqual([first, second]);
    expect(await queue.leaseDue(10, 30_000)).toEqual([]);
    const next = (await queue.nextDueAt()) as Date;
    expect(next.getTime()).toBeGreaterThan(Date.now() + 20_000); // the later claim, or a lease end
    expect(later).toBeDefined();
  });

  it('keeps one waiting claim per order: a second is answered with the first', async () => {
    const orderUid = randomUUID();
    const first = await pending(0, orderUid);
    expect(await pending(0, orderUid)).toBe(first);
  });

  it('hands the relay unpublished claims once they are old enough, and overdue published ones', async () => {
    const fresh = await pending(); // its request is publishing it right now
    const unpublished = await pending();
    await age(unpublished, 5000);
    const onTime = await pending(60_000);
    await outbox.markPublished(onTime, true);
    const overdue = await pending();
    await outbox.markPublished(overdue, true);
    await age(overdue, 10_000);

    const taken = (await outbox.takeToPublish(10, 2000, 5000)).map((claim) => claim.claimUid);

    expect(taken.sort()).toEqual([unpublished, overdue].sort());
    expect(fresh).toBeDefined();
    // Marked published and due now: taken again only once overdue again.
    expect(await outbox.takeToPublish(10, 2000, 5000)).toEqual([]);
    expect(await outbox.msUntilNextDue(2000, 5000)).toBeLessThanOrEqual(5000);
  });

  it('records a decided claim once: the same claim again writes nothing and does not fail', async () => {
    const claim = { claimUid: randomUUID(), orderUid: randomUUID(), userUid: randomUUID(), reason: 'Broken' };
    const warrantyDate = '2026-11-30T10:00:00.000Z';
    await records.insertDone(claim, { warrantyDate, decision: WarrantyDecision.RETURN });
    await records.insertDone(claim, { warrantyDate, decision: WarrantyDecision.REFUSE });

    const stored = await records.find(claim.claimUid);
    expect(stored).toMatchObject({
      ...claim,
      status: 'DONE',
      decision: 'RETURN',
      attempts: 0,
      published: true,
    });
    expect(stored?.warrantyDate?.toISOString()).toBe(warrantyDate);
    expect(await records.countByStatus()).toEqual({ PENDING: 0, DONE: 1, FAILED: 0 });
  });

  it('tells whether an order has a waiting claim (a decided or dead one is not)', async () => {
    const [waiting, decided, dead] = [randomUUID(), randomUUID(), randomUUID()];
    await pending(0, waiting);
    await records.insertDone(
      { claimUid: randomUUID(), orderUid: decided, userUid: randomUUID(), reason: 'Broken' },
      { warrantyDate: new Date().toISOString(), decision: WarrantyDecision.FIXING },
    );
    await records.markFailed(await pending(0, dead), 'gone');

    expect(await records.hasPending(waiting)).toBe(true);
    expect(await records.hasPending(decided)).toBe(false);
    expect(await records.hasPending(dead)).toBe(false);
    expect(await records.hasPending(randomUUID())).toBe(false);
  });

  it("gives each order's latest claim in one query", async () => {
    const orderUid = randomUUID();
    await records.insertDone(
      { claimUid: randomUUID(), orderUid, userUid: randomUUID(), reason: 'first' },
      { warrantyDate: new Date().toISOString(), decision: WarrantyDecision.RETURN },
    );
    const latest = await pending(0, orderUid);
    await records.markFailed(latest, 'Warranty not found');

    const states = await records.latestOf([orderUid, randomUUID()]);

    expect([...states.entries()]).toEqual([[orderUid, { status: 'FAILED', decision: null }]]);
  });

  it('puts dead claims back: the latest of an order, none of an order with one waiting', async () => {
    const alone = await pending();
    await records.markFailed(alone, 'gone');
    const busyOrder = randomUUID();
    const deadOfBusy = await pending(0, busyOrder);
    await records.markFailed(deadOfBusy, 'gone');
    await pending(0, busyOrder); // waiting now

    expect(await records.replayFailed()).toEqual([alone]);
    expect((await records.listFailed()).map((claim) => claim.claimUid)).toEqual([deadOfBusy]);
    expect(await records.replayFailed(deadOfBusy)).toEqual([]);
    expect(await records.countByStatus()).toEqual({ PENDING: 2, DONE: 0, FAILED: 1 });
  });

  if (db.engine === 'postgres') {
    it('lets instances lease at the same moment without ever taking a claim twice (SKIP LOCKED)', async () => {
      const claims = await Promise.all(Array.from({ length: 30 }, () => pending()));
      const instances = await Promise.all([db.openAnother(), db.openAnother(), db.openAnother()]);
      const tables = instances.map((instance) => new ClaimQueueTable(instance.getRepository(WarrantyClaim)));

      const leased = (
        await Promise.all(tables.flatMap((table) => [1, 2, 3].map(() => table.leaseDue(4, 30_000))))
      ).flat();

      expect(new Set(leased).size).toBe(leased.length); // no claim twice
      expect(leased.length).toBe(Math.min(claims.length, 36));
    });

    it('lets relays of several instances pick at the same moment without publishing a claim twice', async () => {
      const claims = await Promise.all(Array.from({ length: 20 }, () => pending()));
      for (const claimUid of claims) await age(claimUid, 5000);
      const instances = await Promise.all([db.openAnother(), db.openAnother()]);
      const tables = instances.map((instance) => new ClaimOutboxTable(instance.getRepository(WarrantyClaim)));

      const taken = (
        await Promise.all(tables.flatMap((table) => [1, 2].map(() => table.takeToPublish(6, 2000, 60_000))))
      )
        .flat()
        .map((claim) => claim.claimUid);

      expect(new Set(taken).size).toBe(taken.length);
      expect(taken.length).toBe(20);
    });
  }
}

describeOnEachEngine('the claims table', StoreConfig, storeSchema, claimsTableSpecs);
