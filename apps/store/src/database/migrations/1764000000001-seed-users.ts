import { MigrationInterface, QueryRunner } from 'typeorm';

/** The contract's one user. ON CONFLICT keeps the seed idempotent even outside migrations. */
export class SeedUsers1764000000001 implements MigrationInterface {
  name = 'SeedUsers1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      INSERT INTO users (name, user_uid) VALUES ('Alex', '6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b')
      ON CONFLICT (user_uid) DO NOTHING`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM users WHERE user_uid = '6d2cb5a0-943c-4b96-9aa6-89eac7bdfd2b'`);
  }
}
