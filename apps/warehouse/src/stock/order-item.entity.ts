import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Item } from './item.entity';

/** One unit taken from stock for an order; returning it cancels it. */
@Entity({ name: 'order_item' })
export class OrderItem {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'order_item_uid', type: 'uuid', unique: true })
  orderItemUid!: string;

  /** One item per order: taking again for the same order returns the same unit. */
  @Column({ name: 'order_uid', type: 'uuid', unique: true })
  orderUid!: string;

  @ManyToOne(() => Item, { nullable: false })
  @JoinColumn({ name: 'item_id' })
  item!: Item;

  @Column({ type: 'boolean', default: false })
  canceled!: boolean;
}
