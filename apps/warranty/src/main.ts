// First: V8's settings and tracing, before the modules they concern are loaded.
import '@app/bootstrap/register';
import { bootstrapService, runService } from '@app/bootstrap';
import { loadConfig } from '@app/config';
import { WarrantyAppModule } from './warranty-app.module';
import { WarrantyConfig } from './warranty.config';

runService(async () => {
  const config = loadConfig(WarrantyConfig);
  await bootstrapService(WarrantyAppModule.register(config), config, {
    description: 'Warranties of sold items and decisions on warranty claims (internal).',
  });
});
