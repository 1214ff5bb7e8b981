import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { OrderStatus } from '@app/contracts';

@Entity({ name: 'orders' })
export class Order {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'order_uid', type: 'uuid', unique: true })
  orderUid!: string;

  @Index()
  @Column({ name: 'user_uid', type: 'uuid' })
  userUid!: string;

  /** The warehouse's orderItemUid; warranties are keyed by it. */
  @Column({ name: 'item_uid', type: 'uuid' })
  itemUid!: string;

  @Column({ name: 'order_date', type: 'timestamptz' })
  orderDate!: Date;

  @Column({ type: 'varchar', length: 255 })
  status!: OrderStatus;
}
