import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - `warranty_claim_decision`: every decided claim that came with an idempotency key, not just
 *   the last one, so that an older claim retried after a newer one was decided is answered with
 *   its own decision instead of being decided again.
 * - `warranty.voided_at`: a warranty voided by a rolled-back purchase (or the mark that one must
 *   never start, when the void came first): invisible from outside, and a late start leaves it so.
 */
export class ClaimDecisionsAndVoid1764500000000 implements MigrationInterface {
  name = 'ClaimDecisionsAndVoid1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE warranty_claim_decision (
        claim_key     UUID         PRIMARY KEY,
        item_uid      UUID         NOT NULL,
        decision      VARCHAR(16)  NOT NULL CHECK (decision IN ('RETURN', 'FIXING', 'REFUSE')),
        warranty_date TIMESTAMPTZ  NOT NULL,
        decided_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO warranty_claim_decision (claim_key, item_uid, decision, warranty_date)
      SELECT claim_key, item_uid, decision, warranty_date FROM warranty
      WHERE claim_key IS NOT NULL AND decision IS NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE warranty
        DROP COLUMN claim_key,
        DROP COLUMN decision,
        ADD COLUMN voided_at TIMESTAMPTZ NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE warranty
        DROP COLUMN voided_at,
        ADD COLUMN claim_key UUID NULL,
        ADD COLUMN decision VARCHAR(255) NULL CHECK (decision IN ('RETURN', 'FIXING', 'REFUSE'))`);
    await queryRunner.query('DROP TABLE warranty_claim_decision');
  }
}
