export * from './bootstrap-service';
export * from './parse-uuid.pipe';
export * from './validation.pipe';
