import { ConcurrencyLimit, ConcurrencyLimitError } from './concurrency-limit';

const MAX_WAIT_MS = 1_000;

/** A task that runs until `finish()`; `started` tells whether it began. */
function gatedTask<T>(value: T) {
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const task = {
    started: false,
    finish: () => finish(),
    run: async () => {
      task.started = true;
      await gate;
      return value;
    },
  };
  return task;
}

/** Lets the bulkhead's queued hand-offs (promise callbacks) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe(ConcurrencyLimit.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs at most `limit` tasks at once, the others in turn as slots free', async () => {
    const sut = new ConcurrencyLimit({ limit: 2, queue: 10, maxWaitMs: MAX_WAIT_MS });
    const tasks = ['a', 'b', 'c', 'd'].map(gatedTask);
    const results = tasks.map((task) => sut.run(task.run));
    await settle();
    expect(tasks.map((task) => task.started)).toEqual([true, true, false, false]);
    expect([sut.running, sut.waiting]).toEqual([2, 2]);

    tasks[1].finish();
    await settle();
    expect(tasks.map((task) => task.started)).toEqual([true, true, true, false]);

    tasks[0].finish();
    tasks[2].finish();
    await settle();
    tasks[3].finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect([sut.running, sut.waiting]).toEqual([0, 0]);
  });

  it('refuses a task at once when `queue` tasks wait already', async () => {
    const sut = new ConcurrencyLimit({ limit: 1, queue: 1, maxWaitMs: MAX_WAIT_MS });
    const running = gatedTask('running');
    const waiting = gatedTask('waiting');
    const refused = gatedTask('refused');
    const results = [sut.run(running.run), sut.run(waiting.run)];

    await expect(sut.run(refused.run)).rejects.toThrow(ConcurrencyLimitError);
    expect(refused.started).toBe(false);
    running.finish();
    waiting.finish();
    await expect(Promise.all(results)).resolves.toEqual(['running', 'waiting']);
  });

  it('gives a task up after waiting `maxWaitMs` for a slot, and never runs it', async () => {
    const sut = new ConcurrencyLimit({ limit: 1, queue: 10, maxWaitMs: MAX_WAIT_MS });
    const running = gatedTask('running');
    const givenUp = gatedTask('given up');
    const result = sut.run(running.run);
    const waited = sut.run(givenUp.run);

    jest.advanceTimersByTime(MAX_WAIT_MS - 1);
    await settle();
    expect(sut.waiting).toBe(1);
    jest.advanceTimersByTime(1);
    await expect(waited).rejects.toThrow(`waited ${MAX_WAIT_MS} ms for one of 1 slots`);

    running.finish();
    await expect(result).resolves.toBe('running');
    await settle();
    expect(givenUp.started).toBe(false);
    expect([sut.running, sut.waiting]).toEqual([0, 0]);
  });

  it('does not give up a task that got its slot in time, however long it then runs', async () => {
    const sut = new ConcurrencyLimit({ limit: 1, queue: 10, maxWaitMs: MAX_WAIT_MS });
    const first = gatedTask('first');
    const second = gatedTask('second');
    const results = [sut.run(first.run), sut.run(second.run)];
    first.finish();
    await settle();
    expect(second.started).toBe(true);

    jest.advanceTimersByTime(10 * MAX_WAIT_MS);
    second.finish();
    await expect(Promise.all(results)).resolves.toEqual(['first', 'second']);
  });

  it('frees the slot of a task that failed, and passes its error on', async () => {
    const sut = new ConcurrencyLimit({ limit: 1, queue: 10, maxWaitMs: MAX_WAIT_MS });
    const failure = new Error('downstream gone');
    await expect(sut.run(() => Promise.reject(failure))).rejects.toBe(failure);
    await expect(sut.run(() => Promise.resolve('next'))).resolves.toBe('next');
    expect(sut.running).toBe(0);
  });
});
