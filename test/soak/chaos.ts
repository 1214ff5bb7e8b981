import { setTimeout as delay } from 'node:timers/promises';
import { ServiceProcess } from '../support';
import { SeededRandom } from './random';

export interface Kill {
  at: string;
  service: string;
  pid: number | undefined;
  downMs: number;
}

/**
 * Kills one service process at a time (SIGKILL: no shutdown hooks, in-flight work lost) on a
 * seeded schedule — every 5 to 20 s — and starts it again after a short while, until stopped.
 */
export class Chaos {
  readonly kills: Kill[] = [];
  private running = true;
  private done?: Promise<void>;

  constructor(
    private readonly processes: ServiceProcess[],
    private readonly random: SeededRandom,
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
      await this.sleep(this.random.between(5000, 20_000));
      if (!this.running) return;
      const victim = this.random.pick(this.processes);
      const downMs = Math.round(this.random.between(500, 3000));
      this.kills.push({ at: new Date().toISOString(), service: victim.service, pid: victim.pid, downMs });
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
