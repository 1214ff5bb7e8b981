import { ApiProperty } from '@nestjs/swagger';
import { Size } from './enums';
import { IsSizeField, IsTextField, IsUuidField, IsUuidListField } from './validation';

/** Body of warehouse `POST /` and order `POST /{userUid}`: which item to buy. */
export class ItemSelection {
  @IsTextField('Model of the item', 'Lego 8070')
  model!: string;

  @IsSizeField()
  size!: Size;
}

/** Body of warehouse `POST /`: take one unit of an item for an order. */
export class TakeItemRequest extends ItemSelection {
  @IsUuidField('The order the item is taken for')
  orderUid!: string;
}

export class OrderItemResponse {
  @ApiProperty({ format: 'uuid' })
  orderItemUid!: string;

  @ApiProperty({ format: 'uuid' })
  orderUid!: string;

  @ApiProperty({ example: 'Lego 8070' })
  model!: string;

  @ApiProperty({ enum: Size, enumName: 'Size' })
  size!: Size;
}

/** What voiding an order's take found: the unit the order held, if it ever took one. */
export class VoidedOrderResponse {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'The order item whose unit went back to stock (now or by an earlier void); null if the order never took one',
  })
  orderItemUid!: string | null;
}

export class CatalogueItemResponse {
  @ApiProperty({ example: 'Lego 8070' })
  model!: string;

  @ApiProperty({ enum: Size, enumName: 'Size' })
  size!: Size;

  @ApiProperty({ minimum: 0 })
  availableCount!: number;
}

/** Body of every "claim the warranty" request that comes from a customer. */
export class ClaimRequest {
  @IsTextField('Why the customer claims the warranty', 'The brick does not fit', 1000)
  reason!: string;
}

/** Body of warehouse `POST /order-items/lookup`: several order items in one call. */
export class OrderItemLookupRequest {
  @IsUuidListField('The order items to look up; unknown ones are left out of the answer')
  orderItemUids!: string[];
}
