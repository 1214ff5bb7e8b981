export * from './access-log.hook';
export * from './nest-logger';
export * from './service-logger';
export * from './trace-fields';
