import { PglitePool } from '@app/database';

type Client = { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };

/** A lease of the pool as TypeORM takes one: connect, then the client and its release. */
function lease(pool: PglitePool): Promise<{ client: Client; release: () => void }> {
  return new Promise((resolve, reject) =>
    pool.connect((error, client, release) =>
      error ? reject(error) : resolve({ client: client as Client, release: release as () => void }),
    ),
  );
}

/**
 * The embedded engine's pool over PGlite's single session (libs/database/src/pglite-pool.ts):
 * one lease at a time, a lease never released is taken back, the health check's ping goes first,
 * a callback that throws stalls nothing.
 */
describe(PglitePool.name, () => {
  const LEASE_TIMEOUT_MS = 500;
  let sut: PglitePool;

  beforeAll(async () => {
    sut = new PglitePool({ leaseTimeoutMs: LEASE_TIMEOUT_MS }); // in memory
    const { client, release } = await lease(sut);
    await client.query('CREATE TABLE t (n INT)');
    release();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => sut.end(() => resolve()));
  });

  it('hands the session to one holder at a time: the next waits for the release', async () => {
    const first = await lease(sut);
    await first.client.query('BEGIN');
    let secondGranted = false;
    const second = lease(sut).then((granted) => {
      secondGranted = true;
      return granted;
    });
    await first.client.query('INSERT INTO t VALUES (1)');
    expect(secondGranted).toBe(false); // the transaction is not interleaved with anyone's statements
    await first.client.query('COMMIT');
    first.release();
    (await second).release();
    expect(secondGranted).toBe(true);
  });

  it('takes back a lease never released after its time-out, rolled back, and serves the next waiter', async () => {
    const leaked = await lease(sut);
    await leaked.client.query('BEGIN');
    await leaked.client.query('INSERT INTO t VALUES (99)');
    const started = Date.now();

    const next = await lease(sut); // waits for the time-out, not for ever
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASE_TIMEOUT_MS - 50);
    const { rows } = await next.client.query('SELECT count(*)::int AS n FROM t WHERE n = 99');
    expect(rows).toEqual([{ n: 0 }]); // what the leaked holder left open was rolled back
    next.release();

    await expect(leaked.client.query('SELECT 1')).rejects.toThrow(/taken back/);
    leaked.release(); // a late release of the revoked lease changes nothing
  });

  it("puts the health check's ping ahead of the query runners waiting", async () => {
    const holder = await lease(sut);
    const order: string[] = [];
    const waiting = lease(sut).then((granted) => {
      order.push('runner');
      granted.release();
    });
    const ping = sut.ping().then(() => order.push('ping'));
    holder.release();
    await Promise.all([waiting, ping]);
    expect(order).toEqual(['ping', 'runner']);
  });

  it('survives a connect callback that throws: no unhandled rejection, the queue goes on', async () => {
    await new Promise<void>((resolve) =>
      sut.connect(() => {
        resolve();
        throw new Error('a bug in the caller');
      }),
    );
    const next = await lease(sut); // granted once the thrower's lease is taken back
    next.release();
  });
});
