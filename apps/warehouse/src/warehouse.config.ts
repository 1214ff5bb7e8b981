import { BaseServiceConfig, DEFAULT_PORTS, defaultServiceUrl, IsServiceUrl } from '@app/config';

export class WarehouseConfig extends BaseServiceConfig {
  readonly serviceKey = 'warehouse';
  readonly defaultDatabaseName = 'warehouse';
  override PORT = DEFAULT_PORTS.warehouse;

  @IsServiceUrl()
  WARRANTY_SERVICE_URL = defaultServiceUrl('warranty');
}
