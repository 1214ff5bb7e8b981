import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWarranty1764000000000 implements MigrationInterface {
  name = 'CreateWarranty1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE warranty (
        id            SERIAL PRIMARY KEY,
        item_uid      UUID         NOT NULL UNIQUE,
        warranty_date TIMESTAMPTZ  NOT NULL,
        status        VARCHAR(255) NOT NULL
          CHECK (status IN ('ON_WARRANTY', 'USE_WARRANTY', 'REMOVED_FROM_WARRANTY')),
        comment       VARCHAR(1024)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE warranty');
  }
}
