export * from './access-log.middleware';
export * from './nest-logger';
export * from './service-logger';
export * from './trace-fields';
