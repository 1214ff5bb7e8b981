import { flagGiven } from './v8-flag';

describe('flagGiven', () => {
  it.each([
    [['--heap-growing-percent=40'], true],
    [['--heap_growing_percent=40'], true],
    [['--liftoff-only'], false],
    [['--max-old-space-size=256', '--heap-growing-percent', '40'], true],
    [[], false],
    [['--heap-growing-percentage=1'], false],
  ])('heap-growing-percent in %j: %s', (execArgv, given) => {
    expect(flagGiven(execArgv, 'heap-growing-percent')).toBe(given);
  });

  it.each([
    [['--no-liftoff-only'], true],
    [['--noliftoff-only'], true],
    [['--liftoff_only'], true],
    [['--liftoff'], false],
    [['liftoff-only'], false],
  ])('liftoff-only in %j: %s', (execArgv, given) => {
    expect(flagGiven(execArgv, 'liftoff-only')).toBe(given);
  });

  it('reads a flag beginning with "no" as itself', () => {
    expect(flagGiven(['--node-snapshot'], 'node-snapshot')).toBe(true);
  });
});
