import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';

export type ComponentStatus = 'Work' | 'Fail';

export interface ComponentReport {
  status: ComponentStatus;
  error?: string;
  [detail: string]: unknown;
}

export interface TimeReport {
  epoch: number;
  local: string;
  offset: number;
}

export interface HealthReport {
  status: ComponentStatus;
  components: Record<string, ComponentReport | TimeReport>;
}

function pad(value: number, width = 2): string {
  return String(Math.trunc(value)).padStart(width, '0');
}

/** Local time as ISO-8601 with the numeric offset, e.g. 2020-10-29T01:00:52.658+00:00. */
export function timeReport(now: Date): TimeReport {
  const offsetMinutes = -now.getTimezoneOffset();
  const sign = offsetMinutes < 0 ? '-' : '+';
  const local =
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}` +
    `T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}` +
    `.${pad(now.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.abs(offsetMinutes) / 60)}:${pad(Math.abs(offsetMinutes) % 60)}`;
  return { epoch: Math.floor(now.getTime() / 1000), local, offset: offsetMinutes / 60 };
}

function componentReport(details: HealthIndicatorResult[string]): ComponentReport {
  const { status, message, ...rest } = details;
  if (status === 'up') return { status: 'Work', ...rest };
  return { status: 'Fail', error: typeof message === 'string' ? message : 'unavailable', ...rest };
}

/** Terminus' result in the contract's format. */
export function healthReport(result: HealthCheckResult, now: Date): HealthReport {
  const components = Object.fromEntries(
    Object.entries(result.details).map(([key, details]) => [key, componentReport(details)]),
  );
  const allWork = Object.values(components).every((component) => component.status === 'Work');
  return {
    status: allWork ? 'Work' : 'Fail',
    components: { ...components, time: timeReport(now) },
  };
}
