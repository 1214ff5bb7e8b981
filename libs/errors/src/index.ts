export * from './all-exceptions.filter';
export * from './allowed-methods';
export * from './api-errors.decorator';
export * from './describe-error';
export * from './domain.exception';
export * from './http-status';
export * from './validation-messages';
