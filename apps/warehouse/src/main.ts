// First: V8's settings and tracing, before the modules they concern are loaded.
import '@app/bootstrap/register';
import { bootstrapService, runService } from '@app/bootstrap';
import { loadConfig } from '@app/config';
import { WarehouseAppModule } from './warehouse-app.module';
import { WarehouseConfig } from './warehouse.config';

runService(async () => {
  const config = loadConfig(WarehouseConfig);
  await bootstrapService(WarehouseAppModule.register(config), config, {
    description: 'Stock of items and the units taken for orders (internal).',
  });
});
