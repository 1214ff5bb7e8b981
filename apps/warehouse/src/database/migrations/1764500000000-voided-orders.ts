import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A voided order (a purchase rolled back) holds its place in order_item with a canceled row
 * that has no item: a take for that order arriving later — held up on its way — finds it and
 * takes nothing. A row without an item is never anything but canceled.
 */
export class VoidedOrders1764500000000 implements MigrationInterface {
  name = 'VoidedOrders1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE order_item
        ALTER COLUMN item_id DROP NOT NULL,
        ADD CONSTRAINT order_item_voided_check CHECK (item_id IS NOT NULL OR canceled)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM order_item WHERE item_id IS NULL');
    await queryRunner.query(`
      ALTER TABLE order_item DROP CONSTRAINT order_item_voided_check, ALTER COLUMN item_id SET NOT NULL`);
  }
}
