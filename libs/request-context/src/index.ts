export * from './request-context';
export * from './request-context.hooks';
export * from './http-request';
