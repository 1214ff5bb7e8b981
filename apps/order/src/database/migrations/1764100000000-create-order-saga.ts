import { MigrationInterface, QueryRunner } from 'typeorm';

/** The saga journal of purchases and refunds (apps/order/src/sagas). */
export class CreateOrderSaga1764100000000 implements MigrationInterface {
  name = 'CreateOrderSaga1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_saga (
        id              SERIAL PRIMARY KEY,
        kind            VARCHAR(16)  NOT NULL CHECK (kind IN ('PURCHASE', 'REFUND')),
        order_uid       UUID         NOT NULL,
        user_uid        UUID         NOT NULL,
        model           VARCHAR(255) NOT NULL,
        size            VARCHAR(255) NOT NULL,
        item_uid        UUID,
        state           VARCHAR(16)  NOT NULL
                        CHECK (state IN ('STARTED', 'COMPENSATING', 'COMPLETED', 'ROLLED_BACK')),
        attempts        INT          NOT NULL DEFAULT 0,
        next_attempt_at TIMESTAMPTZ,
        locked_until    TIMESTAMPTZ,
        last_error      TEXT,
        created_at      TIMESTAMPTZ  NOT NULL DEFAULT now(),
        updated_at      TIMESTAMPTZ  NOT NULL DEFAULT now()
      )`);
    // At most one unfinished saga of a kind per order: two refunds of one order cannot run at
    // once, yet a refund that was rolled back can be tried again (its row stays as history).
    await queryRunner.query(`
      CREATE UNIQUE INDEX order_saga_active_uq ON order_saga (order_uid, kind)
      WHERE state IN ('STARTED', 'COMPENSATING')`);
    // What the compensation worker looks for: small, since finished sagas are left out.
    await queryRunner.query(`
      CREATE INDEX order_saga_unfinished_idx ON order_saga (state, updated_at)
      WHERE state IN ('STARTED', 'COMPENSATING')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE order_saga');
  }
}
