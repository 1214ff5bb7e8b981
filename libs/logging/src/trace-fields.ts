import { trace } from '@opentelemetry/api';

/** The active span's trace and span ids (when tracing is on), to find a log line's trace. */
export function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
