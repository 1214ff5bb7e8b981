import { Kill } from './chaos';
import { Ledger } from './ledger';

export interface SoakSettings {
  minutes: number;
  seed: number;
  clients: number;
  engine: string;
  replicas: number;
}

/** The soak's report, in Markdown: what ran, every answer by status, every kill, every violation. */
export function soakReport(
  settings: SoakSettings,
  ledger: Ledger,
  kills: Kill[],
  violations: string[],
  tookMs: number,
): string {
  const kinds = [...new Set([...ledger.answers.keys()].map((key) => key.split(' ')[0]))].sort();
  const statuses = [...new Set([...ledger.answers.keys()].map((key) => Number(key.split(' ')[1])))].sort(
    (a, b) => a - b,
  );
  const total = [...ledger.answers.values()].reduce((sum, count) => sum + count, 0);
  const finals = new Map<string, number>();
  for (const write of ledger.writes) {
    const key = `${write.kind} ${write.unknown ? 'unknown' : write.status}`;
    finals.set(key, (finals.get(key) ?? 0) + 1);
  }
  const killedBy = new Map<string, number>();
  for (const kill of kills) killedBy.set(kill.instance, (killedBy.get(kill.instance) ?? 0) + 1);
  const lines = [
    `# Soak report`,
    '',
    `- ${settings.minutes} min of load, seed ${settings.seed}, ${settings.clients} clients, ${settings.engine}, ` +
      `${settings.replicas} instance(s) of each service; ${(tookMs / 1000).toFixed(0)} s in all`,
    `- ${total} answers; ${ledger.writes.length} writes; ${kills.length} kills (${[...killedBy].map(([s, n]) => `${s} ${n}`).join(', ')})`,
    `- **${violations.length === 0 ? 'no violation' : `${violations.length} violation(s)`}**`,
    '',
    '## Answers (every attempt), by request and status',
    '',
    `| request | ${statuses.map((status) => (status === 0 ? 'no answer' : String(status))).join(' | ')} |`,
    `|---|${statuses.map(() => '---:').join('|')}|`,
    ...kinds.map(
      (kind) =>
        `| ${kind} | ${statuses.map((status) => ledger.answers.get(`${kind} ${status}`) ?? 0).join(' | ')} |`,
    ),
    '',
    '## Final answers of the writes (after retries with the same Idempotency-Key)',
    '',
    ...[...finals.entries()].sort().map(([key, count]) => `- ${key}: ${count}`),
    '',
    '## Kills',
    '',
    ...kills.map((kill) => `- ${kill.at} ${kill.instance} (pid ${kill.pid}), down ${kill.downMs} ms`),
    '',
    '## Violations',
    '',
    ...(violations.length === 0 ? ['none'] : violations.map((violation) => `- ${violation}`)),
    '',
  ];
  return lines.join('\n');
}
