import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Size } from '@app/contracts';

/** A model in one size and how many units of it are in stock. */
@Entity({ name: 'items' })
@Unique(['model', 'size'])
export class Item {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 255 })
  model!: string;

  @Column({ type: 'varchar', length: 255 })
  size!: Size;

  @Column({ name: 'available_count', type: 'int' })
  availableCount!: number;
}
