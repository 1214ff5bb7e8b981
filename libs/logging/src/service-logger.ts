import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { LogLevel } from '@app/config';
import { currentContext } from '@app/request-context';
import { traceFields } from './trace-fields';

/** What one write to a pipe may hold and still never interleave with another's (Linux). */
const PIPE_BUF = 4096;
/** Log lines are written once this much is buffered… */
const LOG_BUFFER_BYTES = 2048;
/** …or this long after the last write, whichever comes first. */
export const LOG_FLUSH_MS = 500;

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
  return pino(options, destination ?? stdoutStreams());
}

/**
 * Lines up to `warn` are buffered and go out a few KiB at a time (a write — and a hand-off to
 * libuv's thread pool — per ~10 lines, not per line), or after at most LOG_FLUSH_MS when it is
 * quiet; pino writes what is left on exit. `error` and `fatal` lines are written at once: a
 * process that is killed (out of memory, SIGKILL) still leaves the lines that explain it. Each
 * write holds whole lines, at most PIPE_BUF bytes of them, so on a pipe the two streams never
 * interleave within a line (one line longer than PIPE_BUF, a long stack, could).
 */
function stdoutStreams(): DestinationStream {
  const buffered = pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    maxWrite: PIPE_BUF,
    periodicFlush: LOG_FLUSH_MS,
  });
  const immediate = pino.destination({ dest: 1, sync: true, maxWrite: PIPE_BUF });
  return pino.multistream(
    [
      { level: 'trace', stream: buffered },
      { level: 'error', stream: immediate },
    ],
    { dedupe: true },
  );
}
