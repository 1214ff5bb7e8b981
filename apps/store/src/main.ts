// First: V8's settings and tracing, before the modules they concern are loaded.
import '@app/bootstrap/register';
import { bootstrapService, runService } from '@app/bootstrap';
import { loadConfig } from '@app/config';
import { connectClaimsConsumer } from './claims/claims-microservice';
import { StoreAppModule } from './store-app.module';
import { StoreConfig } from './store.config';

runService(async () => {
  const config = loadConfig(StoreConfig);
  await bootstrapService(StoreAppModule.register(config), config, {
    description: 'The public API of the store: catalogue, purchases, orders, warranty claims and refunds.',
    connectMicroservices: (app) => connectClaimsConsumer(app, config),
    publicGateway: true,
    bearerAuth: config.AUTH_JWKS_URL !== undefined,
    trustProxy: config.TRUST_PROXY,
  });
});
