export * from './broker.health';
export * from './embedded-work-queue';
export * from './messaging.module';
export * from './queue-topology';
export * from './rabbitmq-work-queue';
export * from './rmq-consumer';
export * from './work-queue';
