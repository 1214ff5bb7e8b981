export type QueueType = 'rabbitmq' | 'embedded';

/** What trying a job came to; the queue acts on it. */
export type JobOutcome =
  /** Done now, or found done already (a duplicate delivery): nothing more to do. */
  | { kind: 'done' }
  /** Failed for a reason that passes (a service down): try again after the back-off. */
  | { kind: 'retry'; attempts: number; error: string }
  /** Can never succeed (e.g. the thing it refers to does not exist): to the dead-letter queue. */
  | { kind: 'dead'; error: string };

/** One job handed to the queue: the id of its committed row, and how many tries failed so far. */
export interface Job {
  id: string;
  /**
   * Failed tries so far, as the row counts them. A consumer drops a delivery whose count the row
   * has moved past (a stale copy: published again while the first copy was only slow).
   */
  attempt: number;
}

export interface QueueHealth {
  up: boolean;
  type: QueueType;
  error?: string;
}

/**
 * The jobs' own table, as the embedded queue works it: the table in the service's database IS the
 * queue, so a job is as durable as the row that describes it.
 */
export interface LocalJobSource {
  /**
   * Takes up to `limit` jobs that are due, earliest first, and moves their next try `leaseMs`
   * ahead, so that a job whose worker dies mid-try is tried again once the lease has run out.
   */
  leaseDue(limit: number, leaseMs: number): Promise<string[]>;
  /** When the earliest waiting job is due, or null when none waits. */
  nextDueAt(): Promise<Date | null>;
  /** Tries one job and records the outcome (a retry records its next try's time). */
  process(jobId: string): Promise<JobOutcome>;
}

/**
 * A durable queue of jobs, each named by an id whose row the producer has already committed
 * (a transactional outbox: the row first, then the message). Two implementations, chosen by
 * configuration: RabbitMQ when AMQP_URL is set, else an embedded queue in the service's database.
 */
export abstract class WorkQueue {
  abstract readonly type: QueueType;

  /**
   * Hands a job over to be tried now. Resolves once the queue holds it (RabbitMQ: a persistent
   * message the broker confirmed); rejects when it cannot take it now (e.g. the broker is down).
   */
  abstract publish(job: Job): Promise<void>;

  /** Hands a job over to be tried again after the back-off for `job.attempt` failed tries. */
  abstract scheduleRetry(job: Job): Promise<void>;

  /**
   * Makes the dead-letter queue hold exactly these jobs (after an operator put some back). The
   * service's table is the record of dead jobs; the broker's copy is for its own tools.
   */
  abstract rebuildDeadLetters(jobIds: string[]): Promise<void>;

  abstract health(): QueueHealth;

  /**
   * Embedded: runs the in-process worker over the jobs' table. RabbitMQ: nothing — the service's
   * RMQ microservice (hybrid app) consumes the queue.
   */
  abstract attachLocalWorker(source: LocalJobSource): void;
}
