import { AsyncLocalStorage } from 'node:async_hooks';
import { TimerLoop, TimerLoopOptions } from './timer-loop';

const IDLE_MS = 30_000;
const ERROR_PAUSE_MS = 5_000;
const MIN_SLEEP_MS = 250;

/** A loop whose rounds answer from a script: each entry is the planned sleep, or an error. */
function loopOf(plans: (number | undefined | Error)[], overrides: Partial<TimerLoopOptions> = {}) {
  const rounds: number[] = [];
  const sut = new TimerLoop({
    name: 'TestLoop',
    idleMs: IDLE_MS,
    minSleepMs: MIN_SLEEP_MS,
    errorPauseMs: ERROR_PAUSE_MS,
    round: () => {
      rounds.push(Date.now());
      const plan = plans.shift();
      return plan instanceof Error ? Promise.reject(plan) : Promise.resolve(plan);
    },
    ...overrides,
  });
  return { sut, rounds };
}

describe(TimerLoop.name, () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('runs a round at start, then sleeps as long as the round asked', async () => {
    const { sut, rounds } = loopOf([2000, undefined]);
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds).toEqual([0]);

    await jest.advanceTimersByTimeAsync(1999);
    expect(rounds).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds).toEqual([0, 2000]);
    await sut.stop();
  });

  it('with nothing planned looks again after the idle interval, and never sleeps below the minimum', async () => {
    const { sut, rounds } = loopOf([undefined, 0, undefined]);
    sut.start();
    await jest.advanceTimersByTimeAsync(IDLE_MS);
    expect(rounds).toEqual([0, IDLE_MS]);
    await jest.advanceTimersByTimeAsync(MIN_SLEEP_MS);
    expect(rounds).toEqual([0, IDLE_MS, IDLE_MS + MIN_SLEEP_MS]);
    await sut.stop();
  });

  it('caps a planned sleep at the idle interval', async () => {
    const { sut, rounds } = loopOf([10 * IDLE_MS]);
    sut.start();
    await jest.advanceTimersByTimeAsync(IDLE_MS);
    expect(rounds).toEqual([0, IDLE_MS]);
    await sut.stop();
  });

  it('is woken early, and keeps the earlier of two wake-ups', async () => {
    const { sut, rounds } = loopOf([IDLE_MS, undefined, undefined]);
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    sut.wake(1000);
    sut.wake(5000); // later than the one set: ignored
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toEqual([0, 1000]);
    await sut.stop();
  });

  it('woken while a round runs, runs one more round right after it', async () => {
    let finishRound!: () => void;
    const rounds: number[] = [];
    const sut = new TimerLoop({
      name: 'TestLoop',
      idleMs: IDLE_MS,
      errorPauseMs: ERROR_PAUSE_MS,
      round: () => {
        rounds.push(Date.now());
        return rounds.length === 1
          ? new Promise((resolve) => (finishRound = () => resolve(undefined)))
          : Promise.resolve(undefined);
      },
    });
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    sut.wake();
    sut.wake();
    expect(rounds).toHaveLength(1); // one round at a time
    finishRound();
    await jest.advanceTimersByTimeAsync(0);
    expect(rounds).toEqual([0, 0]);
    await sut.stop();
  });

  it('after a failed round pauses instead of spinning, then carries on', async () => {
    const { sut, rounds } = loopOf([new Error('database gone'), undefined]);
    sut.start();
    await jest.advanceTimersByTimeAsync(ERROR_PAUSE_MS - 1);
    expect(rounds).toEqual([0]);
    await jest.advanceTimersByTimeAsync(1);
    expect(rounds).toEqual([0, ERROR_PAUSE_MS]);
    await sut.stop();
  });

  it('does nothing before start, and starts no round after stop', async () => {
    const { sut, rounds } = loopOf([0, 0, 0]);
    sut.wake();
    await jest.advanceTimersByTimeAsync(IDLE_MS);
    expect(rounds).toEqual([]);

    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    await sut.stop();
    sut.wake();
    await jest.advanceTimersByTimeAsync(IDLE_MS * 2);
    expect(rounds).toEqual([IDLE_MS]);
  });

  it("runs its rounds outside the async context of whoever woke it (a request's id must not leak)", async () => {
    // Real timers: fake ones run every callback in the context of whoever advances the clock,
    // which would hide a timer that carries the waking request's context.
    jest.useRealTimers();
    const storage = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    let roundRan!: () => void;
    const sut = new TimerLoop({
      name: 'TestLoop',
      idleMs: IDLE_MS,
      errorPauseMs: ERROR_PAUSE_MS,
      round: () => {
        seen.push(storage.getStore());
        roundRan?.();
        return Promise.resolve(undefined);
      },
    });
    const rounds = (count: number) =>
      new Promise<void>((resolve) => {
        roundRan = () => seen.length >= count && resolve();
      });
    const started = rounds(1);
    sut.start();
    await started;
    const woken = rounds(2);
    storage.run('request-1', () => sut.wake(5));
    await woken;
    expect(seen).toEqual([undefined, undefined]);
    await sut.stop();
  });

  it('stop waits for the round under way', async () => {
    let finishRound!: () => void;
    let finished = false;
    const sut = new TimerLoop({
      name: 'TestLoop',
      idleMs: IDLE_MS,
      errorPauseMs: ERROR_PAUSE_MS,
      round: () =>
        new Promise((resolve) => {
          finishRound = () => {
            finished = true;
            resolve(undefined);
          };
        }),
    });
    sut.start();
    await jest.advanceTimersByTimeAsync(0);
    const stopped = sut.stop();
    finishRound();
    await stopped;
    expect(finished).toBe(true);
  });
});
