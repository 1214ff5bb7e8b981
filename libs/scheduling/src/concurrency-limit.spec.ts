import { AsyncLocalStorage } from 'node:async_hooks';
import { ConcurrencyLimit } from './concurrency-limit';

/** A task that runs until `finish()` (or `fail()`); `started` tells whether it began. */
function gatedTask<T>(value: T, onStart: () => void = () => undefined) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const gate = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const task = {
    started: false,
    finish: () => finish(),
    fail: (error: Error) => fail(error),
    run: async () => {
      task.started = true;
      onStart();
      await gate;
      return value;
    },
  };
  return task;
}

/** Lets every promise callback already due run. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe(ConcurrencyLimit.name, () => {
  it('runs at most `limit` tasks at once, the others in arrival order as slots free', async () => {
    const sut = new ConcurrencyLimit(2);
    const order: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => gatedTask(name, () => order.push(name)));
    const results = tasks.map((task) => sut.run(task.run));
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect([sut.running, sut.waiting]).toEqual([2, 2]);

    tasks[1].finish();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    expect([sut.running, sut.waiting]).toEqual([2, 1]);

    tasks[0].finish();
    tasks[2].finish();
    await settle();
    tasks[3].finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect([sut.running, sut.waiting]).toEqual([0, 0]);
  });

  it('gives a freed slot to the longest waiting task, never to one that arrives as it frees', async () => {
    const sut = new ConcurrencyLimit(1);
    const order: string[] = [];
    const first = gatedTask('first', () => order.push('first'));
    const waiting = gatedTask('waiting', () => order.push('waiting'));
    const newcomer = gatedTask('newcomer', () => order.push('newcomer'));
    const results = [sut.run(first.run), sut.run(waiting.run)];
    await settle();

    first.finish();
    results.push(sut.run(newcomer.run)); // in the same turn of the event loop as the release
    await settle();
    expect(order).toEqual(['first', 'waiting']);
    waiting.finish();
    await settle();
    newcomer.finish();
    await expect(Promise.all(results)).resolves.toEqual(['first', 'waiting', 'newcomer']);
  });

  it('runs a waiting task in its own caller’s context, not in the one of the task that freed its slot', async () => {
    const sut = new ConcurrencyLimit(1);
    const requests = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const first = gatedTask('first');
    const running = requests.run('request A', () => sut.run(first.run));
    const waiting = requests.run('request B', () =>
      sut.run(() => {
        seen.push(requests.getStore());
        return Promise.resolve('second');
      }),
    );
    await settle();
    requests.run('request A', () => first.finish());
    await expect(Promise.all([running, waiting])).resolves.toEqual(['first', 'second']);
    expect(seen).toEqual(['request B']);
  });

  it('frees the units of a task that failed, and passes its error on', async () => {
    const sut = new ConcurrencyLimit(4);
    const failing = gatedTask('never');
    const failed = sut.run(failing.run, 3);
    const next = sut.run(() => Promise.resolve('next'), 2);
    const failure = new Error('downstream gone');
    failing.fail(failure);
    await expect(failed).rejects.toBe(failure);
    await expect(next).resolves.toBe('next');
    expect([sut.running, sut.waiting]).toEqual([0, 0]);
  });

  it('counts each task by its weight: the ones that fit run together, the next waits for units to free', async () => {
    const sut = new ConcurrencyLimit(10);
    const order: string[] = [];
    const [big, small, medium] = ['big', 'small', 'medium'].map((name) =>
      gatedTask(name, () => order.push(name)),
    );
    const results = [sut.run(big.run, 6), sut.run(small.run, 4), sut.run(medium.run, 5)];
    await settle();
    expect(order).toEqual(['big', 'small']);
    expect([sut.running, sut.waiting, sut.inUse]).toEqual([2, 1, 10]);

    small.finish(); // 4 units free: not enough for 5
    await settle();
    expect(order).toEqual(['big', 'small']);
    big.finish();
    await settle();
    expect(order).toEqual(['big', 'small', 'medium']);
    expect([sut.running, sut.waiting, sut.inUse]).toEqual([1, 0, 5]);
    medium.finish();
    await expect(Promise.all(results)).resolves.toEqual(['big', 'small', 'medium']);
    expect(sut.inUse).toBe(0);
  });

  it('lets no light task overtake a heavy one waiting before it, and frees every waiter that fits at once', async () => {
    const sut = new ConcurrencyLimit(10);
    const order: string[] = [];
    const running = gatedTask('running', () => order.push('running'));
    const heavy = gatedTask('heavy', () => order.push('heavy'));
    const light = gatedTask('light', () => order.push('light'));
    const results = [sut.run(running.run, 5), sut.run(heavy.run, 8), sut.run(light.run, 1)];
    await settle();
    expect(order).toEqual(['running']); // light would fit beside running, but heavy came first
    running.finish();
    await settle();
    expect(order).toEqual(['running', 'heavy', 'light']); // 8 + 1 fit together
    heavy.finish();
    light.finish();
    await expect(Promise.all(results)).resolves.toEqual(['running', 'heavy', 'light']);
  });

  it('frees nothing for a light task behind a heavy one that still does not fit', async () => {
    const sut = new ConcurrencyLimit(10);
    const order: string[] = [];
    const [a, b, heavy, light] = ['a', 'b', 'heavy', 'light'].map((name) =>
      gatedTask(name, () => order.push(name)),
    );
    const results = [sut.run(a.run, 5), sut.run(b.run, 3), sut.run(heavy.run, 8), sut.run(light.run, 1)];
    await settle();
    b.finish(); // 5 free: light would fit, heavy not
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect([sut.running, sut.waiting, sut.inUse]).toEqual([1, 2, 5]);
    a.finish();
    await settle();
    expect(order).toEqual(['a', 'b', 'heavy', 'light']);
    heavy.finish();
    light.finish();
    await expect(Promise.all(results)).resolves.toEqual(['a', 'b', 'heavy', 'light']);
  });

  it('runs a task heavier than the limit alone, as if it weighed the limit', async () => {
    const sut = new ConcurrencyLimit(10);
    const order: string[] = [];
    const huge = gatedTask('huge', () => order.push('huge'));
    const after = gatedTask('after', () => order.push('after'));
    const results = [sut.run(huge.run, 5000), sut.run(after.run, 1)];
    await settle();
    expect(order).toEqual(['huge']);
    expect(sut.inUse).toBe(10);
    huge.finish();
    await settle();
    after.finish();
    await expect(Promise.all(results)).resolves.toEqual(['huge', 'after']);
    expect(sut.inUse).toBe(0);
  });

  it('takes a waiting task whose signal aborts out of the queue, and starts those behind it that now fit', async () => {
    const sut = new ConcurrencyLimit(10);
    const order: string[] = [];
    const [running, gone, light] = ['running', 'gone', 'light'].map((name) =>
      gatedTask(name, () => order.push(name)),
    );
    const caller = new AbortController();
    const results = [sut.run(running.run, 5), sut.run(gone.run, 8, caller.signal), sut.run(light.run, 1)];
    await settle();
    expect([sut.running, sut.waiting]).toEqual([1, 2]);

    caller.abort();
    await expect(results[1]).rejects.toBe(caller.signal.reason);
    await settle();
    expect(order).toEqual(['running', 'light']); // no longer behind the one that left
    expect([sut.running, sut.waiting, sut.inUse]).toEqual([2, 0, 6]);
    running.finish();
    light.finish();
    await expect(Promise.all([results[0], results[2]])).resolves.toEqual(['running', 'light']);
    expect(sut.inUse).toBe(0);
  });

  it('runs nothing for a signal aborted already, and ignores an abort once the task has its turn', async () => {
    const sut = new ConcurrencyLimit(1);
    const task = jest.fn(() => Promise.resolve('ran'));
    await expect(sut.run(task, 1, AbortSignal.abort())).rejects.toThrow(/aborted/i);
    expect(task).not.toHaveBeenCalled();

    const caller = new AbortController();
    const first = gatedTask('first');
    const running = sut.run(first.run, 1, caller.signal);
    await settle();
    caller.abort(); // too late: it runs already
    first.finish();
    await expect(running).resolves.toBe('first');
    expect([sut.running, sut.waiting, sut.inUse]).toEqual([0, 0, 0]);
  });

  it('refuses a weight that is not a whole number of at least 1, running nothing', async () => {
    const sut = new ConcurrencyLimit(10);
    const task = jest.fn(() => Promise.resolve('ran'));
    await expect(sut.run(task, 0)).rejects.toThrow(/≥ 1 of units, got 0/);
    await expect(sut.run(task, 2.5)).rejects.toThrow(/got 2.5/);
    expect(task).not.toHaveBeenCalled();
    expect(sut.inUse).toBe(0);
  });

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow(/≥ 1, got 0/);
    expect(() => new ConcurrencyLimit(1.5)).toThrow(/got 1.5/);
  });
});
