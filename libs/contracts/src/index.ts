export * from './enums';
export * from './idempotency';
export * from './order.dto';
export * from './validation';
export * from './warehouse.dto';
export * from './warranty.dto';
