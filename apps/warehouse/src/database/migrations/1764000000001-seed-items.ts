import { MigrationInterface, QueryRunner } from 'typeorm';

/** The contract's catalogue. ON CONFLICT keeps the seed idempotent even outside migrations. */
export class SeedItems1764000000001 implements MigrationInterface {
  name = 'SeedItems1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO items (model, size, available_count) VALUES
        ('Lego 8070', 'M', 10000),
        ('Lego 8880', 'L', 10000),
        ('Lego 42070', 'L', 10000)
      ON CONFLICT (model, size) DO NOTHING`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM items WHERE (model, size) IN (('Lego 8070', 'M'), ('Lego 8880', 'L'), ('Lego 42070', 'L'))`,
    );
  }
}
