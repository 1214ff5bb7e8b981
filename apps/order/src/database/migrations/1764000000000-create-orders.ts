import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrders1764000000000 implements MigrationInterface {
  name = 'CreateOrders1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders (
        id         SERIAL PRIMARY KEY,
        order_uid  UUID         NOT NULL UNIQUE,
        user_uid   UUID         NOT NULL,
        item_uid   UUID         NOT NULL,
        order_date TIMESTAMPTZ  NOT NULL,
        status     VARCHAR(255) NOT NULL CHECK (status IN ('PAID', 'CANCELED', 'WAITING'))
      )`);
    await queryRunner.query('CREATE INDEX orders_user_uid_idx ON orders (user_uid)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE orders');
  }
}
