export * from './data-source-options';
export * from './database.module';
export * from './pglite-pool';
export * from './postgres-errors';
export * from './query-rows';
