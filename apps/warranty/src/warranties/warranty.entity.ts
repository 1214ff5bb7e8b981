import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { WarrantyStatus } from '@app/contracts';

@Entity({ name: 'warranty' })
export class Warranty {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'item_uid', type: 'uuid', unique: true })
  itemUid!: string;

  @Column({ name: 'warranty_date', type: 'timestamptz' })
  warrantyDate!: Date;

  @Column({ type: 'varchar', length: 255 })
  status!: WarrantyStatus;

  /** The reason given with the last warranty claim. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  comment!: string | null;

  /**
   * Set when the purchase that started it was rolled back: the warranty never was, and no start
   * arriving later opens it (see the order service's purchase saga).
   */
  @Column({ name: 'voided_at', type: 'timestamptz', nullable: true })
  voidedAt!: Date | null;
}
