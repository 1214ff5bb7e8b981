export * from './call-policy';
export * from './clients/order.client';
export * from './clients/warehouse.client';
export * from './clients/warranty.client';
export * from './downstream-client';
export * from './idempotency';
export * from './service-client';
export * from './service-client.module';
