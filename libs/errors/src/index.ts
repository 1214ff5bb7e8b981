export * from './all-exceptions.filter';
export * from './domain.exception';
export * from './http-status';
export * from './api-errors.decorator';
export * from './describe-error';
