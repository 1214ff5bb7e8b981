import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last decided claim of a warranty: its idempotency key and decision, so that the same claim
 * delivered again (a retry of a queued claim) is answered with the decision already taken.
 */
export class AddClaimKey1764300000000 implements MigrationInterface {
  name = 'AddClaimKey1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE warranty
        ADD COLUMN IF NOT EXISTS claim_key UUID NULL,
        ADD COLUMN IF NOT EXISTS decision  VARCHAR(255) NULL
          CHECK (decision IN ('RETURN', 'FIXING', 'REFUSE'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE warranty DROP COLUMN claim_key, DROP COLUMN decision');
  }
}
