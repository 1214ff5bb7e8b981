import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from '@app/config';
import { currentContext } from '@app/request-context';
import { traceFields } from './trace-fields';

export interface LoggingSettings {
  service: string;
  level: LogLevel;
  format: 'json' | 'pretty';
}

/**
 * The fields every line gets besides pino's own: the id of the request it is about — inside an
 * HTTP request, and outside one too (a queued claim logs under the request that made it) — and,
 * when tracing, the trace and span ids. A line that names its request itself keeps that one.
 */
function contextFields(line: object): Record<string, string> {
  const context = 'requestId' in line ? undefined : currentContext();
  return { ...(context ? { requestId: context.requestId } : {}), ...traceFields() };
}

/**
 * The service's one pino logger: one JSON object per line on stdout — `time` (ISO-8601),
 * `level` (its name), `service`, `msg`, `requestId` — or, with LOG_FORMAT=pretty, pino-pretty's
 * lines for people at a terminal. Nothing of a request's headers or body is ever logged.
 */
export function createServiceLogger(settings: LoggingSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: contextFields,
  };
  if (settings.format === 'pretty') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  // Asynchronous: lines written while a write is in flight go out together in the next one (one
  // syscall per burst, not per line); pino flushes what is left synchronously on exit.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
