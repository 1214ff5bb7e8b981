import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sagas with a pivot (apps/order/src/sagas/README.md): the state COMMITTED (past the pivot, its
 * remaining steps retried forward), the caller's Idempotency-Key, and model/size optional (a
 * refund records them only when warehouse knows the item).
 */
export class SagaPivot1764500000000 implements MigrationInterface {
  name = 'SagaPivot1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE order_saga
        ADD COLUMN request_key UUID,
        ALTER COLUMN model DROP NOT NULL,
        ALTER COLUMN size DROP NOT NULL,
        DROP CONSTRAINT order_saga_state_check,
        ADD CONSTRAINT order_saga_state_check
          CHECK (state IN ('STARTED', 'COMPENSATING', 'ROLLED_BACK', 'COMMITTED', 'COMPLETED'))`);
    await queryRunner.query('DROP INDEX order_saga_active_uq');
    await queryRunner.query(`
      CREATE UNIQUE INDEX order_saga_active_uq ON order_saga (order_uid, kind)
      WHERE state IN ('STARTED', 'COMPENSATING', 'COMMITTED')`);
    // One saga per key and kind, but a key whose saga was rolled back may be tried again.
    await queryRunner.query(`
      CREATE UNIQUE INDEX order_saga_request_key_uq ON order_saga (kind, request_key)
      WHERE request_key IS NOT NULL AND state <> 'ROLLED_BACK'`);
    await queryRunner.query('DROP INDEX order_saga_unfinished_idx');
    await queryRunner.query(`
      CREATE INDEX order_saga_unfinished_idx ON order_saga (state, updated_at)
      WHERE state IN ('STARTED', 'COMPENSATING', 'COMMITTED')`);
    // Refunds in flight under the earlier design may have returned the unit and closed the
    // warranty already, and the new design has no way back: they are carried forward — order
    // CANCELED, saga COMMITTED, return and close (idempotent) finished by the worker.
    await queryRunner.query(`
      UPDATE orders SET status = 'CANCELED'
      WHERE order_uid IN (SELECT order_uid FROM order_saga WHERE kind = 'REFUND' AND state IN ('STARTED', 'COMPENSATING'))`);
    await queryRunner.query(`
      UPDATE order_saga SET state = 'COMMITTED', next_attempt_at = now(), locked_until = NULL, updated_at = now()
      WHERE kind = 'REFUND' AND state IN ('STARTED', 'COMPENSATING')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ count }] = (await queryRunner.query(
      `SELECT count(*)::int AS count FROM order_saga WHERE state = 'COMMITTED'`,
    )) as { count: number }[];
    if (count > 0) throw new Error(`${count} refunds are COMMITTED and not finished: let them finish first`);
    await queryRunner.query('DROP INDEX order_saga_request_key_uq');
    await queryRunner.query(`
      ALTER TABLE order_saga
        DROP COLUMN request_key,
        DROP CONSTRAINT order_saga_state_check,
        ADD CONSTRAINT order_saga_state_check
          CHECK (state IN ('STARTED', 'COMPENSATING', 'COMPLETED', 'ROLLED_BACK'))`);
  }
}
