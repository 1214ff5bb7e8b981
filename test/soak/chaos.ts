import { setTimeout as delay } from 'node:timers/promises';
import { ServiceProcess } from '../support';
import { SeededRandom } from './random';

export interface Kill {
  at: string;
  service: string;
  /** Which instance of the service (the service's name when it has one). */
  instance: string;
  pid: number | undefined;
  downMs: number;
}

/**
 * Kills one service process at a time (SIGKILL: no shutdown hooks, in-flight work lost) on a
 * seeded schedule — by default every 5 to 20 s — and starts it again after a short while, until
 * stopped.
 */
export class Chaos {
  readonly kills: Kill[] = [];
  private running = true;
  private done?: Promise<void>;

  /**
   * `inTurn`: the victims are taken one after the other (each killed once before any twice)
   * instead of at random; `everyMs`: the range of the pause before each kill.
   */
  constructor(
    private readonly processes: ServiceProcess[],
    private readonly random: SeededRandom,
    private readonly options: { inTurn?: boolean; everyMs?: [number, number] } = {},
  ) {}

  start(): void {
    this.done = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    // Whatever happened, every process runs again.
    await Promise.all(this.processes.filter((process) => !process.running).map((process) => process.start()));
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const [shortest, longest] = this.options.everyMs ?? [5000, 20_000];
      await this.sleep(this.random.between(shortest, longest));
      if (!this.running) return;
      const victim = this.options.inTurn
        ? this.processes[this.kills.length % this.processes.length]
        : this.random.pick(this.processes);
      const downMs = Math.round(this.random.between(500, 3000));
      this.kills.push({
        at: new Date().toISOString(),
        service: victim.service,
        instance: victim.name,
        pid: victim.pid,
        downMs,
      });
      await victim.kill();
      await delay(downMs);
      await victim.start();
    }
  }

  /** A pause that ends early when the chaos is stopped. */
  private async sleep(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (this.running && Date.now() < until) await delay(Math.min(250, until - Date.now()));
  }
}
