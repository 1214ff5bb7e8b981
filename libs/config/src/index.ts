export * from './base-service.config';
export * from './config.module';
export * from './is-service-url';
export * from './load-config';
export * from './service-urls';
