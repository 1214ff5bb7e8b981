import { DataSource, QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { isDatabaseUnavailable, isUniqueViolation, MAX_PREPARED_STATEMENTS, queryRows } from '@app/database';
import { warrantySchema } from '../../apps/warranty/src/database/schema';
import { WarrantyConfig } from '../../apps/warranty/src/warranty.config';
import { describeOnEachEngine, EngineUnderTest } from '../support';

/**
 * `queryRows`, the services' way to hand-written SQL, on both engines: each text with parameters
 * a named prepared statement on the server (parsed and planned once per connection), at most
 * MAX_PREPARED_STATEMENTS texts; errors shaped as TypeORM's; a transaction's statements on its
 * own connection; a released runner refused.
 */
function queryRowsSpecs(db: EngineUnderTest): void {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = db.dataSource();
    await dataSource.query('CREATE TABLE query_rows_probe (id int PRIMARY KEY, label text NOT NULL)');
  });

  beforeEach(async () => {
    await dataSource.query('TRUNCATE query_rows_probe');
  });

  /** Runs `work` with a manager bound to one connection, outside a transaction. */
  async function onOneConnection(work: (manager: DataSource['manager']) => Promise<void>) {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.connect();
      await work(runner.manager);
    } finally {
      await runner.release();
    }
  }

  /** Runs `work` in a transaction on the connection of `manager`, rolled back if it fails. */
  async function inTransaction<T>(manager: DataSource['manager'], work: () => Promise<T>): Promise<T> {
    const runner = manager.queryRunner!;
    await runner.startTransaction();
    try {
      const result = await work();
      await runner.commitTransaction();
      return result;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
    }
  }

  async function insertOne(): Promise<void> {
    await queryRows(dataSource.manager, 'INSERT INTO query_rows_probe (id, label) VALUES ($1, $2)', [
      1,
      'one',
    ]);
  }

  /** Runs `work` while the probe table has one more column (a migration while a service runs). */
  async function withExtraColumn(manager: DataSource['manager'], work: () => Promise<void>) {
    await manager.query('ALTER TABLE query_rows_probe ADD COLUMN extra int');
    try {
      await work();
    } finally {
      await manager.query('ALTER TABLE query_rows_probe DROP COLUMN extra');
    }
  }

  /** The statements prepared on the connection of `manager`'s transaction, by their text. */
  async function preparedOnThisConnection(manager: DataSource['manager'], text: string) {
    return queryRows<{ name: string }>(
      manager,
      'SELECT name FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
  }

  it('returns the rows of a read and of a write with RETURNING', async () => {
    const inserted = await queryRows<{ id: number }>(
      dataSource.manager,
      'INSERT INTO query_rows_probe (id, label) VALUES ($1, $2), ($3, $4) RETURNING id',
      [1, 'one', 2, 'two'],
    );
    expect(inserted.map((row) => row.id).sort()).toEqual([1, 2]);
    const rows = await queryRows<{ label: string }>(
      dataSource.manager,
      'SELECT label FROM query_rows_probe WHERE id = ANY($1::int[]) ORDER BY id',
      [[1, 2, 3]],
    );
    expect(rows).toEqual([{ label: 'one' }, { label: 'two' }]);
  });

  it('runs a statement again and again with other values (the prepared one, on a server)', async () => {
    for (let id = 1; id <= 30; id++) {
      await queryRows(dataSource.manager, 'INSERT INTO query_rows_probe (id, label) VALUES ($1, $2)', [
        id,
        `n${id}`,
      ]);
    }
    const [{ count }] = await queryRows<{ count: string }>(
      dataSource.manager,
      'SELECT count(*) AS count FROM query_rows_probe WHERE id <= $1',
      [30],
    );
    expect(Number(count)).toBe(30);
  });

  it('keeps the simple protocol without parameters: a text may hold several statements', async () => {
    await queryRows(
      dataSource.manager,
      "INSERT INTO query_rows_probe (id, label) VALUES (7, 'seven'); INSERT INTO query_rows_probe (id, label) VALUES (8, 'eight')",
    );
    const rows = await queryRows(
      dataSource.manager,
      'SELECT id FROM query_rows_probe WHERE id = ANY($1::int[])',
      [[7, 8]],
    );
    expect(rows).toHaveLength(2);
  });

  it('throws a QueryFailedError with the SQLSTATE, as TypeORM does (a unique violation)', async () => {
    const insert = 'INSERT INTO query_rows_probe (id, label) VALUES ($1, $2)';
    await onOneConnection(async (manager) => {
      await queryRows(manager, insert, [1, 'first']);
      const error = await queryRows(manager, insert, [1, 'again']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryFailedError);
      expect(isUniqueViolation(error)).toBe(true);
      // The connection (and its prepared statement) serves the next call.
      await expect(queryRows(manager, insert, [2, 'second'])).resolves.toEqual([]);
    });
  });

  it("runs in the manager's transaction, and a rollback undoes it", async () => {
    await dataSource.manager
      .transaction(async (manager) => {
        await queryRows(manager, 'INSERT INTO query_rows_probe (id, label) VALUES ($1, $2)', [
          5,
          'in a transaction',
        ]);
        const seen = await queryRows(manager, 'SELECT id FROM query_rows_probe WHERE id = $1', [5]);
        expect(seen).toHaveLength(1);
        throw new Error('roll back');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back'));
    await expect(
      queryRows(dataSource.manager, 'SELECT id FROM query_rows_probe WHERE id = $1', [5]),
    ).resolves.toEqual([]);
  });

  it("refuses a runner already released (its connection is another's by now)", async () => {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    await runner.release();
    await expect(queryRows(runner.manager, 'SELECT $1::int AS n', [1])).rejects.toBeInstanceOf(
      QueryRunnerAlreadyReleasedError,
    );
  });

  it('reads `*` of a table again on the same connection after the table gained a column', async () => {
    const read = 'SELECT * FROM query_rows_probe WHERE id = $1';
    await insertOne();
    await onOneConnection(async (manager) => {
      await expect(queryRows(manager, read, [1])).resolves.toEqual([{ id: 1, label: 'one' }]);
      await withExtraColumn(manager, async () => {
        await expect(queryRows(manager, read, [1])).resolves.toEqual([{ id: 1, label: 'one', extra: null }]);
      });
    });
  });

  if (db.engine === 'postgres') {
    it('prepares a statement with parameters once per connection, under one name per text', async () => {
      const text = 'SELECT label FROM query_rows_probe WHERE id = $1 AND label <> $2';
      await dataSource.manager.transaction(async (manager) => {
        expect(await preparedOnThisConnection(manager, text)).toEqual([]);
        await queryRows(manager, text, [1, 'x']);
        await queryRows(manager, text, [2, 'y']);
        const prepared = await preparedOnThisConnection(manager, text);
        expect(prepared).toHaveLength(1);
        expect(prepared[0].name).toMatch(/^q_[0-9a-f]{32}$/);
      });
    });

    it('fails the transaction in which a prepared `*` went stale, and prepares it anew for the next', async () => {
      const read = 'SELECT * FROM query_rows_probe WHERE id = $1 AND label IS NOT NULL';
      await insertOne();
      await onOneConnection(async (manager) => {
        const runner = manager.queryRunner!;
        await queryRows(manager, read, [1]);
        await withExtraColumn(manager, async () => {
          const error = await inTransaction(manager, () => queryRows(manager, read, [1])).catch(
            (e: unknown) => e,
          );
          // The server refused the old plan, in words of its locale; the SQLSTATE is generic.
          expect(error).toBeInstanceOf(QueryFailedError);
          expect(error).toMatchObject({ code: '0A000', routine: 'RevalidateCachedQuery' });
          // A 503: the transaction's repeat succeeds.
          expect(isDatabaseUnavailable(error)).toBe(true);
          await expect(inTransaction(manager, () => queryRows(manager, read, [1]))).resolves.toEqual([
            { id: 1, label: 'one', extra: null },
          ]);
          expect(runner.isTransactionActive).toBe(false);
        });
      });
    });

    it('does not run a stale statement again inside a transaction begun by hand', async () => {
      const read = 'SELECT * FROM query_rows_probe WHERE id = $1 AND id < $2';
      await insertOne();
      await onOneConnection(async (manager) => {
        await queryRows(manager, read, [1, 10]);
        await withExtraColumn(manager, async () => {
          await manager.query('BEGIN');
          try {
            // Run again, it would meet the aborted transaction (25P02) instead.
            await expect(queryRows(manager, read, [1, 10])).rejects.toMatchObject({ code: '0A000' });
          } finally {
            await manager.query('ROLLBACK');
          }
          await expect(queryRows(manager, read, [1, 10])).resolves.toHaveLength(1);
        });
      });
    });

    it('prepares a stale statement anew on every connection once one of them met it', async () => {
      const read = 'SELECT * FROM query_rows_probe WHERE id = $1 AND id <> $2';
      await insertOne();
      await onOneConnection(async (first) => {
        await onOneConnection(async (second) => {
          await queryRows(first, read, [1, 0]);
          await queryRows(second, read, [1, 0]);
          await withExtraColumn(first, async () => {
            // Outside a transaction: refused, prepared anew, run again.
            await expect(queryRows(first, read, [1, 0])).resolves.toHaveLength(1);
            // The other connection's first transaction after it runs the new name at once.
            await expect(inTransaction(second, () => queryRows(second, read, [1, 0]))).resolves.toEqual([
              { id: 1, label: 'one', extra: null },
            ]);
            const names = (await preparedOnThisConnection(second, read)).map(({ name }) => name);
            expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^q_[0-9a-f]{32}_\d+$/)]));
          });
        });
      });
    });

    it('prepares a statement anew on the connection that no longer holds it, and there only', async () => {
      const read = 'SELECT label FROM query_rows_probe WHERE id = $1 AND id > $2';
      await onOneConnection(async (first) => {
        await onOneConnection(async (second) => {
          await queryRows(first, read, [1, 0]);
          await queryRows(second, read, [1, 0]);
          const [{ name }] = await preparedOnThisConnection(first, read);
          // node-postgres still counts it as prepared (as after it closed one it could not bind).
          await first.query(`DEALLOCATE ${name}`);
          await expect(queryRows(first, read, [1, 0])).resolves.toEqual([]);
          expect(await preparedOnThisConnection(first, read)).toHaveLength(1);
          // The other connection's statement was never missing: it goes on serving.
          await queryRows(second, read, [1, 0]);
          expect(await preparedOnThisConnection(second, read)).toEqual([{ name }]);
        });
      });
    });

    it('serves a statement again after node-postgres could not encode its parameters', async () => {
      const read = 'SELECT label FROM query_rows_probe WHERE id = $1 AND label > $2';
      const unencodable = {
        toPostgres: () => {
          throw new Error('cannot encode');
        },
      };
      await onOneConnection(async (manager) => {
        await expect(queryRows(manager, read, [1, unencodable])).rejects.toThrow('cannot encode');
        await expect(queryRows(manager, read, [1, 'x'])).resolves.toEqual([]);
      });
    });

    // Last: it fills this process's table of names, which the tests above rely on.
    it(`prepares at most ${MAX_PREPARED_STATEMENTS} texts: the rest run unprepared, and all of them run`, async () => {
      await dataSource.manager.transaction(async (manager) => {
        for (let k = 0; k < MAX_PREPARED_STATEMENTS + 20; k++) {
          const [row] = await queryRows<{ n: number }>(
            manager,
            `SELECT $1::int + ${k} AS n /* bound probe */`,
            [1],
          );
          expect(row.n).toBe(1 + k);
        }
        const [{ count }] = await queryRows<{ count: number }>(
          manager,
          "SELECT count(*)::int AS count FROM pg_prepared_statements WHERE statement LIKE '%bound probe%'",
          [],
        );
        expect(count).toBeGreaterThan(0);
        expect(count).toBeLessThanOrEqual(MAX_PREPARED_STATEMENTS);
      });
    });
  }
}

describeOnEachEngine('queryRows', WarrantyConfig, warrantySchema, queryRowsSpecs);
