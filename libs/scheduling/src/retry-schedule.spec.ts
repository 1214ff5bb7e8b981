import { RetrySchedule } from './retry-schedule';

describe(RetrySchedule.name, () => {
  const sut = new RetrySchedule([1000, 2000, 5000]);

  it('waits longer after each failed try, then repeats the last delay', () => {
    expect([1, 2, 3, 4, 10].map((attempts) => sut.delayAfter(attempts))).toEqual([
      1000, 2000, 5000, 5000, 5000,
    ]);
  });

  it('maps attempts to tiers, clamping below the first', () => {
    expect([0, 1, 2, 3, 99].map((attempts) => sut.tierAfter(attempts))).toEqual([0, 0, 1, 2, 2]);
  });

  it('parses the environment form', () => {
    expect(RetrySchedule.parse('1000, 2000,30000').delaysMs).toEqual([1000, 2000, 30000]);
  });

  it('doubles from the first delay up to the cap, which then repeats', () => {
    const doubling = RetrySchedule.doubling(1000, 30_000);
    expect(doubling.delaysMs).toEqual([1000, 2000, 4000, 8000, 16000, 30000]);
    expect(doubling.delayAfter(7)).toBe(30_000);
    expect(RetrySchedule.doubling(500, 500).delaysMs).toEqual([500]);
  });

  it.each([[[]], [[1000, 0]], [[1000, Number.NaN]], [[1.5]]])('refuses %p', (delays) => {
    expect(() => new RetrySchedule(delays)).toThrow('positive whole delays');
  });

  it('refuses a malformed environment value', () => {
    expect(() => RetrySchedule.parse('1000,,2000')).toThrow('positive whole delays');
  });
});
