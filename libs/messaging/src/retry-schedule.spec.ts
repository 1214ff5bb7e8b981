import { DEFAULT_RETRY_DELAYS_MS, RetrySchedule } from './retry-schedule';

describe(RetrySchedule.name, () => {
  const schedule = new RetrySchedule([1000, 2000, 5000]);

  it('waits longer after each failed try, then repeats the last delay', () => {
    expect([1, 2, 3, 4, 10].map((attempts) => schedule.delayAfter(attempts))).toEqual([
      1000, 2000, 5000, 5000, 5000,
    ]);
  });

  it('maps attempts to tiers, clamping below the first', () => {
    expect([0, 1, 2, 3, 99].map((attempts) => schedule.tierAfter(attempts))).toEqual([0, 0, 1, 2, 2]);
  });

  it('parses the environment form', () => {
    expect(RetrySchedule.parse('1000, 2000,30000').delaysMs).toEqual([1000, 2000, 30000]);
  });

  it('defaults to 1 s, 2 s, 5 s, 10 s, 30 s', () => {
    expect(new RetrySchedule().delaysMs).toEqual(DEFAULT_RETRY_DELAYS_MS);
  });

  it.each([[[]], [[1000, 0]], [[1000, Number.NaN]], [[1.5]]])('refuses %p', (delays) => {
    expect(() => new RetrySchedule(delays)).toThrow('positive whole delays');
  });
});
