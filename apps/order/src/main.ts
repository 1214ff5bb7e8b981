// Tracing first: it instruments the modules the service loads after it.
import '@app/tracing/register';
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
