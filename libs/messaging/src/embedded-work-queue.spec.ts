import { EmbeddedWorkQueue } from './embedded-work-queue';
import { JobOutcome, LocalJobSource } from './work-queue';

/** An in-memory job table: job id → when it is due (ms), like the rows' next-try time. */
class FakeJobs implements LocalJobSource {
  readonly due = new Map<string, number>();
  readonly tried: string[] = [];

  constructor(private readonly outcomes: Record<string, JobOutcome[]>) {}

  leaseDue(limit: number, leaseMs: number): Promise<string[]> {
    const now = Date.now();
    const ids = [...this.due.entries()]
      .filter(([, at]) => at <= now)
      .sort((a, b) => a[1] - b[1])
      .slice(0, limit)
      .map(([id]) => id);
    for (const id of ids) this.due.set(id, now + leaseMs);
    return Promise.resolve(ids);
  }

  nextDueAt(): Promise<Date | null> {
    const times = [...this.due.values()];
    return Promise.resolve(times.length ? new Date(Math.min(...times)) : null);
  }

  process(jobId: string): Promise<JobOutcome> {
    this.tried.push(jobId);
    const outcome = this.outcomes[jobId].shift() ?? { kind: 'done' };
    if (outcome.kind === 'retry') this.due.set(jobId, Date.now() + 50 * outcome.attempts);
    else this.due.delete(jobId);
    return Promise.resolve(outcome);
  }
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(EmbeddedWorkQueue.name, () => {
  let queue: EmbeddedWorkQueue;

  beforeEach(() => {
    queue = new EmbeddedWorkQueue({ leaseMs: 10_000 });
  });

  afterEach(() => queue.onModuleDestroy());

  it('tries due jobs earliest first, and a retried job again after its back-off, not before', async () => {
    const jobs = new FakeJobs({
      a: [{ kind: 'retry', attempts: 1, error: 'down' }, { kind: 'done' }],
      b: [{ kind: 'done' }],
    });
    jobs.due.set('b', Date.now() - 5);
    jobs.due.set('a', Date.now() - 10);

    queue.attachLocalWorker(jobs);
    await until(() => jobs.tried.length === 2);
    expect(jobs.tried).toEqual(['a', 'b']);

    await until(() => jobs.tried.length === 3);
    expect(jobs.tried).toEqual(['a', 'b', 'a']);
    expect(jobs.due.size).toBe(0);
  });

  it('wakes up for a job handed over while it sleeps', async () => {
    const jobs = new FakeJobs({ c: [{ kind: 'done' }] });
    queue.attachLocalWorker(jobs);
    await until(() => true);

    jobs.due.set('c', Date.now());
    await queue.publish('c');

    await until(() => jobs.tried.includes('c'));
  });

  it('stops taking jobs once destroyed', async () => {
    const jobs = new FakeJobs({ d: [{ kind: 'done' }] });
    queue.attachLocalWorker(jobs);
    await queue.onModuleDestroy();

    jobs.due.set('d', Date.now());
    await queue.publish('d');
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(jobs.tried).toEqual([]);
  });

  it('is always healthy: the table is the queue', () => {
    expect(queue.health()).toEqual({ up: true, type: 'embedded' });
  });
});
