import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The store's record of requests sent with an Idempotency-Key (CONTRACT.md, "Idempotent
 * requests"): per user and key, what the request was and, once it finished, its answer.
 */
export class CreateIdempotencyRecord1764500000000 implements MigrationInterface {
  name = 'CreateIdempotencyRecord1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_record (
        user_uid     UUID          NOT NULL,
        key          VARCHAR(255)  NOT NULL,
        fingerprint  CHAR(64)      NOT NULL,
        -- What stands for the key in the calls the request makes (order's Idempotency-Key, a
        -- claim's id): the same for every attempt of the request, new once the key expired.
        downstream_key UUID        NOT NULL,
        -- The attempt that holds the record now; only it may settle it.
        lease_token  UUID          NULL,
        state        VARCHAR(16)   NOT NULL CHECK (state IN ('RUNNING', 'DONE')),
        status       INT           NULL,
        body         TEXT          NULL,
        location     VARCHAR(512)  NULL,
        locked_until TIMESTAMPTZ   NULL,
        created_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
        expires_at   TIMESTAMPTZ   NOT NULL,
        PRIMARY KEY (user_uid, key)
      )`);
    await queryRunner.query('CREATE INDEX idempotency_record_expires_idx ON idempotency_record (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_record');
  }
}
