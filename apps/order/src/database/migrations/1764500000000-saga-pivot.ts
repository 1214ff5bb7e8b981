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
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX order_saga_request_key_uq');
    await queryRunner.query(`DELETE FROM order_saga WHERE state = 'COMMITTED'`);
    await queryRunner.query(`
      ALTER TABLE order_saga
        DROP COLUMN request_key,
        DROP CONSTRAINT order_saga_state_check,
        ADD CONSTRAINT order_saga_state_check
          CHECK (state IN ('STARTED', 'COMPENSATING', 'COMPLETED', 'ROLLED_BACK'))`);
  }
}
