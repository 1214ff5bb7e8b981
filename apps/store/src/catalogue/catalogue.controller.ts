import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CatalogueItemResponse } from '@app/contracts';
import { ApiErrors } from '@app/errors';
import { WarehouseClient } from '@app/service-client';

@ApiTags('store')
@Controller('api/v1/store')
export class CatalogueController {
  constructor(private readonly warehouse: WarehouseClient) {}

  @Get('items')
  @ApiOperation({ summary: "The public catalogue (the warehouse's, passed through)" })
  @ApiOkResponse({ type: [CatalogueItemResponse] })
  @ApiErrors(429, 503)
  catalogue(): Promise<CatalogueItemResponse[]> {
    return this.warehouse.catalogue();
  }
}
