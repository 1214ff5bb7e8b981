import { setFlagsFromString } from 'node:v8';

/** Whether `execArgv` sets V8 flag `name` (dashed), in any of V8's spellings. */
export function flagGiven(execArgv: readonly string[], name: string): boolean {
  return execArgv.some((arg) => {
    if (!arg.startsWith('--')) return false; // a value, as in `--flag 40`
    const flag = arg.slice(2).split('=')[0].replace(/_/g, '-');
    return flag === name || flag === `no-${name}` || flag === `no${name}`;
  });
}

/**
 * Sets a V8 flag at start as the service's default, unless the process was started with that
 * flag on its command line: an operator's (or the benchmark's `--node-args`) choice wins.
 */
export function setV8FlagUnlessGiven(name: string, value?: number): void {
  if (flagGiven(process.execArgv, name)) return;
  setFlagsFromString(value === undefined ? `--${name}` : `--${name}=${value}`);
}
