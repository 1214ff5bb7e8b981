import { BaseServiceConfig, IsServiceUrl } from '@app/config';

export class OrderConfig extends BaseServiceConfig {
  readonly serviceKey = 'order';
  readonly defaultDatabaseName = 'orders';
  override PORT = 8380;

  @IsServiceUrl()
  WAREHOUSE_SERVICE_URL = 'http://localhost:8280';

  @IsServiceUrl()
  WARRANTY_SERVICE_URL = 'http://localhost:8180';
}
