import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Warranty claims of the store (#3): the transactional outbox and, without a broker, the queue
 * itself. A claim is written here (committed) before the customer gets 202, so it survives any
 * crash; `published` tells whether the broker has it, `next_attempt_at` when it is tried next.
 */
export class CreateWarrantyClaim1764300000000 implements MigrationInterface {
  name = 'CreateWarrantyClaim1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE warranty_claim (
        claim_uid       UUID          PRIMARY KEY,
        order_uid       UUID          NOT NULL,
        user_uid        UUID          NOT NULL,
        reason          VARCHAR(1024) NOT NULL,
        status          VARCHAR(16)   NOT NULL CHECK (status IN ('PENDING', 'DONE', 'FAILED')),
        decision        VARCHAR(16)   NULL CHECK (decision IN ('RETURN', 'FIXING', 'REFUSE')),
        warranty_date   TIMESTAMPTZ   NULL,
        attempts        INT           NOT NULL DEFAULT 0,
        last_error      VARCHAR(1024) NULL,
        next_attempt_at TIMESTAMPTZ   NOT NULL DEFAULT now(),
        published       BOOLEAN       NOT NULL DEFAULT FALSE,
        created_at      TIMESTAMPTZ   NOT NULL DEFAULT clock_timestamp(),
        updated_at      TIMESTAMPTZ   NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(
      'CREATE INDEX warranty_claim_order_idx ON warranty_claim (order_uid, created_at)',
    );
    await queryRunner.query(
      `CREATE INDEX warranty_claim_due_idx ON warranty_claim (next_attempt_at) WHERE status = 'PENDING'`,
    );
    // At most one waiting claim per order: a second claim while one waits is answered with it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX warranty_claim_one_pending_idx ON warranty_claim (order_uid) WHERE status = 'PENDING'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE warranty_claim');
  }
}
