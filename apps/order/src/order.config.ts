import { BaseServiceConfig, DEFAULT_PORTS, defaultServiceUrl, IsServiceUrl } from '@app/config';

export class OrderConfig extends BaseServiceConfig {
  readonly serviceKey = 'order';
  readonly defaultDatabaseName = 'orders';
  override PORT = DEFAULT_PORTS.order;

  @IsServiceUrl()
  WAREHOUSE_SERVICE_URL = defaultServiceUrl('warehouse');

  @IsServiceUrl()
  WARRANTY_SERVICE_URL = defaultServiceUrl('warranty');
}
