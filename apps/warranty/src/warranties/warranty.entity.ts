import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { WarrantyDecision, WarrantyStatus } from '@app/contracts';

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

  /** Idempotency key of the last decided claim (null when it came without one). */
  @Column({ name: 'claim_key', type: 'uuid', nullable: true })
  claimKey!: string | null;

  /** The decision on the last claim. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  decision!: WarrantyDecision | null;
}
