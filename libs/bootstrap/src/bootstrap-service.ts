import { DynamicModule, INestApplication, Logger } from '@nestjs/common';
import { createServer } from 'node:net';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BaseServiceConfig } from '@app/config';
import { isDatabaseUnavailable } from '@app/database';
import {
  AllExceptionsFilter,
  DatabaseUnavailableError,
  describeError,
  RoutedMethods,
  stackOf,
} from '@app/errors';
import { createServiceLogger, installAccessLog, PinoNestLogger } from '@app/logging';
import { HttpServerMetrics } from '@app/metrics';
import { installRequestContext, REQUEST_ID_HEADER, requestIdFrom } from '@app/request-context';
import { entryServiceName, flushTracing, installRouteNames } from '@app/tracing';
import { answerClientErrorWithJson } from './client-error';
import { installJsonBodyParser, MAX_BODY_BYTES, translateBodyError } from './json-body.parser';
import { installExactJsonContentType } from './json-content-type.hook';
import { installSecurityHeaders } from './security-headers';
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
  /**
   * The public gateway: it does not take a deadline (X-Request-Budget-Ms) from its clients, and
   * sets the security headers browsers act on. The internal services' answers are read by the
   * gateway alone (and their Swagger UI by operators inside): 12 headers less on every hop.
   */
  publicGateway?: boolean;
  /** Requests need bearer tokens: the OpenAPI document shows the scheme. */
  bearerAuth?: boolean;
  /** Which X-Forwarded-For hops tell the client's address: a hop count, or addresses/CIDRs. */
  trustProxy?: string;
}

/** How long a stopping service may take to finish its requests and close its connections. */
export const SHUTDOWN_GRACE_MS = 15_000;
/** Of which the last spans' export may take at most this long (tracing on only). */
const TRACE_FLUSH_MS = 2_000;

/** The longest path parameter the router takes: longer ones are refused by validation (400), not unrouted. */
const MAX_PARAM_LENGTH = 16 * 1024;

/**
 * The HTTP server under Nest: Fastify, routing as Express did (any letter case, with or without
 * a trailing slash), bodies up to 1 MiB, the parser's refusals answered with JSON.
 */
function httpAdapter(trustProxy: string | undefined): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: trustProxy === undefined ? false : /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler: answerClientErrorWithJson,
    // A path Fastify cannot decode (`%ZZ`) is refused before any hook: answered here, as JSON
    // (written raw: Fastify's own send would add the charset the contract does not want).
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      const body = JSON.stringify({ message: `Malformed URL: ${error.message}` });
      reply.hijack();
      reply.raw.writeHead(400, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        [REQUEST_ID_HEADER]: requestIdFrom(request.headers[REQUEST_ID_HEADER.toLowerCase()]),
      });
      reply.raw.end(body);
    },
    // Node's own defaults, which Fastify changes: an idle keep-alive connection is closed after 5 s
    // (a stopping service waits for its connections at most that long), a request must arrive
    // whole within 300 s.
    keepAliveTimeout: 5_000,
    requestTimeout: 300_000,
    // A request arriving while the service stops is still served (with `Connection: close`);
    // the readiness probe has taken it out of rotation by then.
    return503OnClosing: false,
    // No Nest middleware: every convention is a Fastify hook.
    skipMiddie: true,
  });
}

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
  const app = await NestFactory.create<NestFastifyApplication>(appModule, httpAdapter(trustProxy), {
    bodyParser: false,
    logger: new PinoNestLogger(pinoLogger),
  });
  const logger = new Logger(`${config.serviceName}Service`);
  const server = app.getHttpAdapter().getInstance();
  if (publicGateway) installSecurityHeaders(server);
  installRequestContext(server, { trustBudget: !publicGateway });
  installRouteNames(server);
  installAccessLog(server, pinoLogger);
  app.get(HttpServerMetrics).install(server);
  installExactJsonContentType(server);
  installJsonBodyParser(server);
  const routedMethods = RoutedMethods.of(server);
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(
    new AllExceptionsFilter(app.get(HttpAdapterHost), routedMethods, [
      (error) =>
        isDatabaseUnavailable(error) ? new DatabaseUnavailableError(config.serviceName) : undefined,
      translateBodyError,
    ]),
  );
  setupSwagger(app, `${config.serviceName} Service`, description, { bearerAuth });
  installGracefulShutdown(app, logger);
  connectMicroservices?.(app);

  await app.listen(config.PORT, config.HOST ?? (await anyAddress()));
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
 * Every address, as Node listens by default: IPv6 and IPv4 (`::`), or IPv4 alone on a host
 * without IPv6 (a container with IPv6 off) — Fastify's own default would be loopback only.
 */
function anyAddress(): Promise<string> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve('0.0.0.0'));
    probe.listen(0, '::', () => probe.close(() => resolve('::')));
  });
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
