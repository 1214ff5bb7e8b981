export * from './client.metrics';
export * from './http-server.metrics';
export * from './metrics.module';
export * from './metrics.registry';
export * from './prometheus-text';
