export * from './data-source-options';
export * from './database.module';
export * from './embedded-cluster';
export * from './pglite-pool';
export * from './database-errors';
export * from './query-rows';
export * from './migrate';
export * from './deadline-client';
