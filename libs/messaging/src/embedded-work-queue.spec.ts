import { EmbeddedWorkQueue } from './embedded-work-queue';
import { JobOutcome, LocalJobSource } from './work-queue';

const LEASE_MS = 10_000;
const RETRY_MS = 2_000;

/** An in-memory job table: job id → when it is due (ms), like the rows' next-try time. */
class FakeJobs implements LocalJobSource {
  readonly due = new Map<string, number>();
  readonly tried: string[] = [];

  constructor(private readonly outcomes: Record<string, JobOutcome[]> = {}) {}

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
    const outcome = this.outcomes[jobId]?.shift() ?? { kind: 'done' };
    if (outcome.kind === 'retry') this.due.set(jobId, Date.now() + RETRY_MS);
    else this.due.delete(jobId);
    return Promise.resolve(outcome);
  }
}

describe(EmbeddedWorkQueue.name, () => {
  let sut: EmbeddedWorkQueue;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    sut = new EmbeddedWorkQueue({ leaseMs: LEASE_MS, batchSize: 2 });
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
    jest.useRealTimers();
  });

  it('tries due jobs earliest first, across batches, and leaves jobs that are not due yet', async () => {
    const jobs = new FakeJobs();
    jobs.due.set('c', Date.now() - 1);
    jobs.due.set('a', Date.now() - 30);
    jobs.due.set('b', Date.now() - 20);
    jobs.due.set('later', Date.now() + 60_000);

    sut.attachLocalWorker(jobs);
    await jest.advanceTimersByTimeAsync(0);

    expect(jobs.tried).toEqual(['a', 'b', 'c']);
    expect([...jobs.due.keys()]).toEqual(['later']);
  });

  it('tries a job that asked for a retry again after its back-off, not before', async () => {
    const jobs = new FakeJobs({ a: [{ kind: 'retry', attempts: 1, error: 'down' }] });
    jobs.due.set('a', Date.now());

    sut.attachLocalWorker(jobs);
    await jest.advanceTimersByTimeAsync(RETRY_MS - 1);
    expect(jobs.tried).toEqual(['a']);

    await jest.advanceTimersByTimeAsync(1);
    expect(jobs.tried).toEqual(['a', 'a']);
    expect(jobs.due.size).toBe(0);
  });

  it('wakes up at once for a job handed over while it sleeps', async () => {
    const jobs = new FakeJobs();
    sut.attachLocalWorker(jobs);
    await jest.advanceTimersByTimeAsync(0);

    jobs.due.set('new', Date.now());
    await sut.publish({ id: 'new', attempt: 0 });
    await jest.advanceTimersByTimeAsync(0);

    expect(jobs.tried).toEqual(['new']);
  });

  it('a job that throws is left to its lease, and the others are still tried', async () => {
    const jobs = new FakeJobs();
    const process = jobs.process.bind(jobs);
    jobs.process = (jobId) => (jobId === 'bad' ? Promise.reject(new Error('boom')) : process(jobId));
    jobs.due.set('bad', Date.now() - 2);
    jobs.due.set('good', Date.now() - 1);

    sut.attachLocalWorker(jobs);
    await jest.advanceTimersByTimeAsync(0);

    expect(jobs.tried).toEqual(['good']);
    expect(jobs.due.get('bad')).toBe(Date.now() + LEASE_MS); // tried again once its lease runs out
  });

  it('stops taking jobs once destroyed', async () => {
    const jobs = new FakeJobs();
    sut.attachLocalWorker(jobs);
    await jest.advanceTimersByTimeAsync(0);
    await sut.onModuleDestroy();

    jobs.due.set('d', Date.now());
    await sut.publish({ id: 'd', attempt: 0 });
    await jest.advanceTimersByTimeAsync(120_000);

    expect(jobs.tried).toEqual([]);
  });
});
