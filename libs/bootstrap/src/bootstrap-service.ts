import { DynamicModule, INestApplication, Logger } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { BaseServiceConfig } from '@app/config';
import { isDatabaseUnavailable } from '@app/database';
import { AllExceptionsFilter, DatabaseUnavailableError, describeError, stackOf } from '@app/errors';
import { accessLog, createServiceLogger, PinoNestLogger } from '@app/logging';
import { HttpServerMetrics } from '@app/metrics';
import { requestContext } from '@app/request-context';
import { entryServiceName, flushTracing } from '@app/tracing';
import { answerClientErrorsWithJson } from './client-error';
import { jsonBody } from './json-body.middleware';
import { securityHeaders } from './security-headers';
import { exactJsonContentType } from './json-content-type.middleware';
import { setupSwagger } from './swagger';
import { RequestValidationPipe } from './validation.pipe';

export interface ServiceDescription {
  /** One sentence for the OpenAPI document. */
  description: string;
  /**
   * Hybrid app: connects microservices (e.g. a RabbitMQ consumer) with `app.connectMicroservice`.
   * They are started once HTTP listens, in the background: a broker that is down at start-up
   * delays the consumer (its client keeps reconnecting), never the HTTP API.
   */
  connectMicroservices?: (app: INestApplication) => void;
  /** The public gateway: it does not take a deadline (X-Request-Budget-Ms) from its clients. */
  publicGateway?: boolean;
  /** Requests need bearer tokens: the OpenAPI document shows the scheme. */
  bearerAuth?: boolean;
  /** Express's "trust proxy" (which X-Forwarded-For hops tell the client's address). */
  trustProxy?: string;
}

/** How long a stopping service may take to finish its requests and close its connections. */
export const SHUTDOWN_GRACE_MS = 15_000;
/** Of which the last spans' export may take at most this long (tracing on only). */
const TRACE_FLUSH_MS = 2_000;

/**
 * Builds, configures and starts one service: the same HTTP conventions (1 MiB JSON bodies,
 * validation, JSON errors, exact content type), Swagger and graceful shutdown for all four.
 */
export async function bootstrapService(
  appModule: DynamicModule,
  config: BaseServiceConfig,
  {
    description,
    connectMicroservices,
    publicGateway = false,
    bearerAuth = false,
    trustProxy,
  }: ServiceDescription,
): Promise<INestApplication> {
  const pinoLogger = createServiceLogger({
    service: config.serviceKey,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
  });
  const app = await NestFactory.create<NestExpressApplication>(appModule, {
    bodyParser: false,
    logger: new PinoNestLogger(pinoLogger),
  });
  const logger = new Logger(`${config.serviceName}Service`);
  if (trustProxy !== undefined)
    app.set('trust proxy', /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy);
  app.use(securityHeaders());
  app.use(requestContext({ trustBudget: !publicGateway }));
  app.use(accessLog(pinoLogger));
  app.use(app.get(HttpServerMetrics).measure);
  app.use(exactJsonContentType);
  app.use(jsonBody());
  app.set('x-powered-by', false);
  // Answers are dynamic JSON: hashing every body for an ETag costs more than clients gain from it.
  app.set('etag', false);
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(
    new AllExceptionsFilter(app.get(HttpAdapterHost), [
      (error) =>
        isDatabaseUnavailable(error) ? new DatabaseUnavailableError(config.serviceName) : undefined,
    ]),
  );
  answerClientErrorsWithJson(app.getHttpServer());
  setupSwagger(app, `${config.serviceName} Service`, description, { bearerAuth });
  installGracefulShutdown(app, logger);
  connectMicroservices?.(app);

  await (config.HOST ? app.listen(config.PORT, config.HOST) : app.listen(config.PORT));
  logger.log(
    `${config.serviceName} Service listening on http://${config.HOST ?? 'localhost'}:${config.PORT}`,
  );
  if (connectMicroservices) {
    app.startAllMicroservices().then(
      () => logger.log('Microservices listening'),
      (error: unknown) => logger.error('Microservices failed to start', stackOf(error)),
    );
  }
  return app;
}

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close DB and broker
 * connections (Nest's shutdown hooks), then exit 0. A stuck shutdown is cut off after a grace
 * period. Repeated signals (a terminal and a process manager both forwarding Ctrl-C) are
 * ignored while closing. Nest's own enableShutdownHooks re-raises the signal: non-zero exit.
 */
function installGracefulShutdown(app: INestApplication, logger: Logger): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${SHUTDOWN_GRACE_MS} ms, exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    app
      .close()
      .then(() => flushTracing(TRACE_FLUSH_MS))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('Shutdown failed', stackOf(error));
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/**
 * Entry point helper: a start-up failure (bad config, no database) is logged — a JSON line, as
 * always — and exits 1, under the name of its bundle's folder.
 */
export function runService(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    createServiceLogger({ service: entryServiceName(), level: 'info', format: 'json' }).fatal(
      { context: 'Startup' },
      describeError(error),
    );
    process.exit(1);
  });
}
