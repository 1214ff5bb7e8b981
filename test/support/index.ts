export * from './contract';
export * from './databases';
export * from './http';
export * from './ports';
export * from './service-process';
export * from './test-system';
export * from './wait';
