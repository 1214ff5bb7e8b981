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
 * A variant against the baseline: the median over the rounds of the ratio of the two
 * measurements made back to back in the same round (the machine's speed drifts by tens of
 * percent within a run, and both of a pair see the same moment of it), and the range of those
 * ratios when there are several.
 */
function pairedRatio(
  runs: Measurement[],
  baseRuns: Measurement[],
  value: (m: Measurement) => number,
): string {
  const ratios = runs.flatMap((run) => {
    const base = baseRuns.find((m) => m.round === run.round);
    return base ? [value(run) / value(base)] : [];
  });
  if (ratios.length === 0) return '';
  const range =
    ratios.length > 1 ? ` (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})` : '';
  return `${median(ratios).toFixed(2)}${range}`;
}

/**
 * The benchmark's report in Markdown: per scenario and connection level, each variant's median
 * over the rounds (req/s, p50/p90/p99 in ms, failed answers), and its ratio to the first variant
 * (`pairedRatio`);
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
    const baseRuns = of(baseline.label, key);
    for (const variant of variants) {
      const runs = of(variant.label, key);
      if (runs.length === 0) continue; // a scenario the yardstick does not implement
      const p99 = median(runs.map((m) => m.p99));
      const ratios =
        variant === baseline
          ? ' | '
          : `${pairedRatio(runs, baseRuns, (m) => m.requestsPerSecond)} | ${pairedRatio(runs, baseRuns, (m) => m.p99)}`;
      rows.push(
        `| ${scenario} | ${connections} | ${variant.label} | ${runs.map((m) => Math.round(m.requestsPerSecond)).join(', ')} | ` +
          `${round1(median(runs.map((m) => m.p50)))} / ${round1(median(runs.map((m) => m.p90)))} / ${round1(p99)} | ` +
          `${runs.reduce((sum, m) => sum + m.failed, 0)} | ${ratios} |`,
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
      `${settings.rounds} round(s); all variants up at once, each level measured on one after the other, the order reversed every other level and round; ` +
      `ratios: the median (and range) over the rounds of each back-to-back pair's; ` +
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
