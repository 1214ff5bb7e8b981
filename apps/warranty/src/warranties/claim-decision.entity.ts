import { Column, Entity, PrimaryColumn } from 'typeorm';
import { WarrantyDecision } from '@app/contracts';

/** A decided claim that came with an idempotency key: the same claim again gets this answer. */
@Entity({ name: 'warranty_claim_decision' })
export class ClaimDecision {
  @PrimaryColumn({ name: 'claim_key', type: 'uuid' })
  claimKey!: string;

  @Column({ name: 'item_uid', type: 'uuid' })
  itemUid!: string;

  @Column({ type: 'varchar', length: 16 })
  decision!: WarrantyDecision;

  @Column({ name: 'warranty_date', type: 'timestamptz' })
  warrantyDate!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', default: () => 'now()' })
  decidedAt!: Date;
}
