export * from './start-tracing';
export * from './route-names';
