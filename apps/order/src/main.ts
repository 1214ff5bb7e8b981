// First: V8's settings and tracing, before the modules they concern are loaded.
import '@app/bootstrap/register';
import { bootstrapService, runService } from '@app/bootstrap';
import { loadConfig } from '@app/config';
import { OrderAppModule } from './order-app.module';
import { OrderConfig } from './order.config';

runService(async () => {
  const config = loadConfig(OrderConfig);
  await bootstrapService(OrderAppModule.register(config), config, {
    description: "Customers' orders: placing, reading, warranty claims and returns (internal).",
  });
});
