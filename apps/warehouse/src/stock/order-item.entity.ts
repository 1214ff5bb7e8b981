import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Item } from './item.entity';

/** One unit taken from stock for an order; returning it cancels it. A voided order holds a canceled row without a unit. */
@Entity({ name: 'order_item' })
export class OrderItem {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'order_item_uid', type: 'uuid', unique: true })
  orderItemUid!: string;

  /** One item per order: taking again for the same order returns the same unit. */
  @Column({ name: 'order_uid', type: 'uuid', unique: true })
  orderUid!: string;

  /** Null for a voided order's place-holder (canceled, never a unit). */
  @ManyToOne(() => Item, { nullable: true })
  @JoinColumn({ name: 'item_id' })
  item!: Item | null;

  @Column({ type: 'boolean', default: false })
  canceled!: boolean;
}
