import { BaseServiceConfig, IsServiceUrl } from '@app/config';

export class StoreConfig extends BaseServiceConfig {
  readonly serviceKey = 'store';
  readonly defaultDatabaseName = 'store';
  override PORT = 8480;

  @IsServiceUrl()
  ORDER_SERVICE_URL = 'http://localhost:8380';

  @IsServiceUrl()
  WAREHOUSE_SERVICE_URL = 'http://localhost:8280';

  @IsServiceUrl()
  WARRANTY_SERVICE_URL = 'http://localhost:8180';
}
