export * from './bootstrap-service';
export * from './idempotency-key.decorator';
export * from './parse-uuid.pipe';
export * from './validation.pipe';
