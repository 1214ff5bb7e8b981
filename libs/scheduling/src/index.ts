export * from './concurrency-limit';
export * from './retry-schedule';
export * from './timer-loop';
export * from './with-timeout';
