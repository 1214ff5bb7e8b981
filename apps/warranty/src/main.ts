// Tracing first: it instruments the modules the service loads after it.
import '@app/tracing/register';
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
