import { BaseServiceConfig, IsServiceUrl } from '@app/config';

export class WarehouseConfig extends BaseServiceConfig {
  readonly serviceKey = 'warehouse';
  readonly defaultDatabaseName = 'warehouse';
  override PORT = 8280;

  @IsServiceUrl()
  WARRANTY_SERVICE_URL = 'http://localhost:8180';
}
