export * from './data-source-options';
export * from './database.module';
export * from './pglite-pool';
export * from './database-errors';
export * from './query-rows';
export * from './migrate';
