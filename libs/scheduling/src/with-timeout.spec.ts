import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeoutError, withTimeout } from './with-timeout';

const TIMEOUT_MS = 100;
/** However slow the machine, the other process has answered within this. */
const ANSWERED_WITHIN_MS = 30_000;

/**
 * Work that another process finishes: its answer arrives as I/O, whatever this loop is doing.
 * `answered` tells (without the event loop) that the answer is waiting in the pipe.
 */
function answerFromAnotherProcess(marker: string): Promise<string> {
  const script = `process.stdout.write("answer", () => require("fs").writeFileSync(${JSON.stringify(marker)}, ""))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').once('data', resolve);
    child.once('error', reject);
  });
}

/** Keeps the event loop busy, as parsing a large body does, until the other process answered. */
function blockEventLoopUntil(marker: string): void {
  const until = Date.now() + ANSWERED_WITHIN_MS;
  while (!existsSync(marker) && Date.now() < until) {
    // busy
  }
}

describe(withTimeout.name, () => {
  it('gives the result of work that finishes in time', async () => {
    await expect(withTimeout(Promise.resolve('done'), TIMEOUT_MS, 'work')).resolves.toBe('done');
  });

  it('fails with a TimeoutError naming the work once the time is up', async () => {
    const never = new Promise<never>(() => undefined);
    const failure = withTimeout(never, TIMEOUT_MS, 'SELECT 1');
    await expect(failure).rejects.toThrow(TimeoutError);
    await expect(failure).rejects.toThrow(`SELECT 1 took longer than ${TIMEOUT_MS} ms`);
  });

  it('gives the answer that arrived while the event loop was busy past the time-out, not a TimeoutError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'with-timeout-'));
    const marker = join(dir, 'answered');
    try {
      const result = withTimeout(answerFromAnotherProcess(marker), TIMEOUT_MS, 'the other process');
      // Busy in the loop's check phase (as a request's handler would be) until the answer waits in
      // the pipe and the time-out is long past: the loop then comes to the time-out's timer first.
      setImmediate(() => {
        const started = Date.now();
        blockEventLoopUntil(marker);
        while (Date.now() - started <= TIMEOUT_MS) {
          // and past the time-out
        }
      });
      await expect(result).resolves.toBe('answer');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
