import { retryDelayMs } from './saga-timing';

describe(retryDelayMs.name, () => {
  it('waits 1 s after the first failed attempt and doubles after each further one', () => {
    const sut = [1, 2, 3, 4, 5].map(retryDelayMs);
    expect(sut).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never waits longer than 30 s', () => {
    expect(retryDelayMs(6)).toBe(30_000);
    expect(retryDelayMs(1000)).toBe(30_000);
  });

  it('treats "no attempt yet" like the first', () => {
    expect(retryDelayMs(0)).toBe(1000);
  });
});
