import { basename, dirname } from 'node:path';

/**
 * The service this process runs, named by its bundle's folder (dist/apps/<service>/main.js): known
 * before its configuration is read, which may be what fails.
 */
export function entryServiceName(): string {
  return basename(dirname(process.argv[1] ?? 'service'));
}

/**
 * OpenTelemetry for one service, started before anything else of it is loaded (the
 * instrumentations patch http, undici, pg and amqplib as they are required) — and only
 * when OTEL_EXPORTER_OTLP_ENDPOINT is set: otherwise nothing of the SDK is even loaded. Spans go
 * over OTLP/HTTP to that endpoint; the SDK reads the other OTEL_* variables itself. The service
 * is named by OTEL_SERVICE_NAME, else by its bundle's folder (dist/apps/<service>/main.js).
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici');
  const { PgInstrumentation } =
    require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { AmqplibInstrumentation } =
    require('@opentelemetry/instrumentation-amqplib') as typeof import('@opentelemetry/instrumentation-amqplib');
  /* eslint-enable @typescript-eslint/no-require-imports */

  const service = env.OTEL_SERVICE_NAME ?? entryServiceName();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': service }),
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds are not what anyone traces.
        ignoreIncomingRequestHook: (request) => /^\/manage\//.test(request.url ?? ''),
      }),
      new UndiciInstrumentation(),
      // SQL inside a traced request only: the background loops' polls would each be a trace.
      new PgInstrumentation({ requireParentSpan: true }),
      new AmqplibInstrumentation(),
    ],
  });
  sdk.start();
  flush = () => sdk.shutdown();
}

/** The spans still buffered are sent, then tracing ends; nothing to do when it is off. */
let flush: (() => Promise<void>) | undefined;

/** Whether this process exports traces (OTEL_EXPORTER_OTLP_ENDPOINT was set at start). */
export function tracingEnabled(): boolean {
  return flush !== undefined;
}

/**
 * Sends the spans still buffered (the graceful shutdown's last step, before it exits), waiting
 * for the collector at most `withinMs`: a collector that is away does not hold the exit up.
 */
export async function flushTracing(withinMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, withinMs);
  });
  await Promise.race([(flush?.() ?? Promise.resolve()).catch(() => undefined), giveUp]);
  clearTimeout(timer);
}
