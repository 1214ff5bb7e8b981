import { cpus } from 'node:os';

export interface Variant {
  label: string;
  /** Another revision's build (`--compare REF`); this checkout's `dist/` when absent. */
  distDir?: string;
  /** Spans exported (to a sink in the benchmark's process). */
  tracing?: boolean;
  /** A copy of `../shared/yardstick` to run instead of the services (`--yardstick`). */
  yardstick?: string;
}

export interface Measurement {
  variant: string;
  round: number;
  scenario: string;
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  failed: number;
  /** Each service's CPU time (user + system) during the run, divided by the requests answered. */
  cpuMsPerRequest?: Record<string, number>;
  /** Each service's peak resident memory (MiB) during the scenario: its setup and every level. */
  peakRssMiB?: Record<string, number>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * The benchmark's report in Markdown: per scenario and connection level, each variant's median
 * over the rounds (req/s, p50/p90/p99 in ms, failed answers), and its ratio to the first variant;
 * then each variant's peak RSS per service, per scenario and over all.
 */
export function benchReport(
  settings: {
    seconds: number;
    /** Before a scenario's first level, and before each next level. */
    warmUpSeconds: [number, number];
    rounds: number;
    engine: string;
    nodeOptions?: string;
    nodeArgs?: string;
    mallocArenaMax?: string;
  },
  variants: Variant[],
  measurements: Measurement[],
): string {
  const [baseline] = variants;
  const keys = [...new Set(measurements.map((m) => `${m.scenario}|${m.connections}`))];
  const of = (variant: string, key: string) =>
    measurements.filter((m) => m.variant === variant && `${m.scenario}|${m.connections}` === key);
  const rows: string[] = [];
  for (const key of keys) {
    const [scenario, connections] = key.split('|');
    const base = median(of(baseline.label, key).map((m) => m.requestsPerSecond));
    const baseP99 = median(of(baseline.label, key).map((m) => m.p99));
    for (const variant of variants) {
      const runs = of(variant.label, key);
      if (runs.length === 0) continue; // a scenario the yardstick does not implement
      const rps = median(runs.map((m) => m.requestsPerSecond));
      const p99 = median(runs.map((m) => m.p99));
      const ratio = variant === baseline ? '' : `${(rps / base).toFixed(2)} | ${(p99 / baseP99).toFixed(2)}`;
      rows.push(
        `| ${scenario} | ${connections} | ${variant.label} | ${runs.map((m) => Math.round(m.requestsPerSecond)).join(', ')} | ` +
          `${round1(median(runs.map((m) => m.p50)))} / ${round1(median(runs.map((m) => m.p90)))} / ${round1(p99)} | ` +
          `${runs.reduce((sum, m) => sum + m.failed, 0)} | ${ratio || ' | '} |`,
      );
    }
  }
  const scenarios = [...new Set(measurements.map((m) => m.scenario))];
  const peaksOf = (variant: Variant, scenario?: string) =>
    measurements
      .filter((m) => m.variant === variant.label && (scenario === undefined || m.scenario === scenario))
      .map((m) => m.peakRssMiB ?? {});
  const services = Object.keys(peaksOf(baseline)[0] ?? {});
  const peakRow = (variant: Variant, scenario?: string) => {
    const peaks = peaksOf(variant, scenario);
    if (peaks.length === 0) return []; // a scenario the yardstick does not implement
    const peak = (service: string) => Math.max(...peaks.map((p) => p[service] ?? 0));
    const cells =
      scenario === undefined
        ? ['**all**', ...services.map((s) => `**${peak(s)}**`)]
        : [scenario, ...services.map(peak)];
    return [`| ${variant.label} | ${cells.join(' | ')} |`];
  };
  const rss = variants.flatMap((variant) => [
    ...scenarios.flatMap((scenario) => peakRow(variant, scenario)),
    ...peakRow(variant),
  ]);
  return [
    '# Benchmark',
    '',
    `- ${settings.engine}; ${settings.seconds} s per level after a warm-up at that level (${settings.warmUpSeconds[0]} s before a scenario's first level, ${settings.warmUpSeconds[1]} s before the next); ` +
      `${settings.rounds} round(s), variants alternating, every other round in reverse order; ` +
      `Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; ` +
      `services' NODE_OPTIONS: ${settings.nodeOptions ? `\`${settings.nodeOptions}\`` : "none (V8's defaults)"}, ` +
      (settings.nodeArgs ? `their command-line flags: \`${settings.nodeArgs}\`, ` : '') +
      `their MALLOC_ARENA_MAX: ${settings.mallocArenaMax || "none (glibc's default)"} (the yardstick's: glibc's default)`,
    '',
    `| scenario | conns | variant | req/s (each round) | p50 / p90 / p99 ms (median) | failed | req/s ÷ ${baseline.label} | p99 ÷ ${baseline.label} |`,
    '|---|---:|---|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    "## Peak RSS per service (MiB): each scenario's own (its setup and every level), the maximum over the rounds",
    '',
    `| variant | scenario | ${services.join(' | ')} |`,
    `|---|---|${services.map(() => '---:').join('|')}|`,
    ...rss,
    '',
  ].join('\n');
}
