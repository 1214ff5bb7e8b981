import type { Channel, ConfirmChannel } from 'amqplib';
import { connectAmqp, runServerCommand as run } from './server-commands';
import { eventually } from './wait';

/**
 * The RabbitMQ queues of one test run's claims queue (named uniquely per run, so that runs never
 * meet on the shared server), looked at and tampered with as an operator — or a failure — would.
 */
export class TestQueues {
  constructor(
    readonly url: string,
    readonly main: string,
    private readonly retryDelaysMs: readonly number[],
  ) {}

  get dead(): string {
    return `${this.main}.dead`;
  }

  all(): string[] {
    return [this.main, this.dead, ...this.retryDelaysMs.map((ms) => `${this.main}.retry.${ms}ms`)];
  }

  async withChannel<T>(use: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const connection = await connectAmqp(this.url);
    try {
      return await use(await connection.createConfirmChannel());
    } finally {
      await connection.close();
    }
  }

  async deleteAll(): Promise<void> {
    await this.withChannel(async (channel) => {
      for (const queue of this.all()) await channel.deleteQueue(queue);
    });
  }

  /** Messages in a queue, ready and unacknowledged alike (0: everything was settled). */
  async messages(queue: string): Promise<number> {
    return (await this.messagesByQueue()).get(queue) ?? 0;
  }

  /** Every queue's messages, ready and unacknowledged alike, from one `rabbitmqctl` call. */
  private async messagesByQueue(): Promise<Map<string, number>> {
    const { stdout } = await run('rabbitmqctl', [
      'list_queues',
      'name',
      'messages',
      '--formatter',
      'json',
      '-q',
    ]);
    return new Map(
      (JSON.parse(stdout) as { name: string; messages: number }[]).map((entry) => [
        entry.name,
        entry.messages,
      ]),
    );
  }

  /** Publishes a message to the main queue and waits for the broker's confirm. */
  async publish(packet: object): Promise<void> {
    await this.withChannel(async (channel) => {
      channel.sendToQueue(this.main, Buffer.from(JSON.stringify(packet)), { persistent: true });
      await channel.waitForConfirms();
    });
  }

  /**
   * Empties the queues a waiting claim's message can be in: the broker lost it. Call it with the
   * store stopped: a purge passes over a message a consumer holds, which is back in its queue
   * only once the consumer's connection is gone — so it purges until every one of those queues
   * is empty, ready and unacknowledged messages alike.
   */
  async purgeWaiting(): Promise<void> {
    const waiting = this.all().filter((name) => name !== this.dead);
    await eventually(async () => {
      await this.withChannel(async (channel) => {
        for (const queue of waiting) await channel.purgeQueue(queue);
      });
      const counts = await this.messagesByQueue();
      const left = waiting.filter((queue) => (counts.get(queue) ?? 0) > 0);
      if (left.length > 0) throw new Error(`Messages left in ${left.join(', ')}`);
    });
  }

  /** The claim ids in the dead-letter queue (read, then put back as they were). */
  async deadLettered(): Promise<string[]> {
    return this.withChannel(async (channel: Channel) => {
      const ids: string[] = [];
      for (;;) {
        const message = await channel.get(this.dead, { noAck: false });
        if (!message) break;
        const packet = JSON.parse(message.content.toString()) as { data?: { claimUid?: string } };
        if (packet.data?.claimUid) ids.push(packet.data.claimUid);
      }
      return ids; // unacked: requeued when the connection closes
    });
  }

  /** The store's RabbitMQ connections of this run (named after its queue), by Erlang pid. */
  async storeConnections(): Promise<{ pid: string; role: string }[]> {
    const { stdout } = await run('rabbitmqctl', [
      'list_connections',
      'pid',
      'client_properties',
      '--quiet',
      '--no-table-headers',
    ]);
    const label = new RegExp(`\\{"connection_name","store ${this.main} (\\w+) `);
    return stdout.split('\n').flatMap((line) => {
      const role = label.exec(line)?.[1];
      return role ? [{ pid: line.split('\t')[0], role }] : [];
    });
  }

  async closeConnection(pid: string): Promise<void> {
    await run('rabbitmqctl', ['close_connection', pid, 'e2e: dropped connection']);
  }

  /** name → durable and type, of this run's queues. */
  async declared(): Promise<{ name: string; durable: boolean; type: string }[]> {
    const { stdout } = await run('rabbitmqctl', [
      'list_queues',
      'name',
      'durable',
      'type',
      '--formatter',
      'json',
      '-q',
    ]);
    return (JSON.parse(stdout) as { name: string; durable: boolean; type: string }[]).filter((queue) =>
      queue.name.startsWith(this.main),
    );
  }
}
