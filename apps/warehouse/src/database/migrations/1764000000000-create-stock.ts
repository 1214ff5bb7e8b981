import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStock1764000000000 implements MigrationInterface {
  name = 'CreateStock1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE items (
        id              SERIAL PRIMARY KEY,
        model           VARCHAR(255) NOT NULL,
        size            VARCHAR(255) NOT NULL CHECK (size IN ('S', 'M', 'L', 'XL')),
        available_count INT          NOT NULL CHECK (available_count >= 0),
        UNIQUE (model, size)
      )`);
    await queryRunner.query(`
      CREATE TABLE order_item (
        id             SERIAL PRIMARY KEY,
        order_item_uid UUID    NOT NULL UNIQUE,
        order_uid      UUID    NOT NULL UNIQUE,
        item_id        INT     NOT NULL REFERENCES items (id),
        canceled       BOOLEAN NOT NULL DEFAULT FALSE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE order_item');
    await queryRunner.query('DROP TABLE items');
  }
}
