import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request that made a claim: its id and W3C trace context, so that a claim processed an hour
 * later — whoever publishes or tries it — logs under that request and joins its trace.
 */
export class ClaimRequestContext1764500000001 implements MigrationInterface {
  name = 'ClaimRequestContext1764500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE warranty_claim
        ADD COLUMN request_id  VARCHAR(128) NULL,
        ADD COLUMN traceparent VARCHAR(55)  NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE warranty_claim DROP COLUMN request_id, DROP COLUMN traceparent');
  }
}
