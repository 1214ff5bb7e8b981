export * from './component-health-indicator';
export * from './health-report';
export * from './health.module';
export * from './health.service';
