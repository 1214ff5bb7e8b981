import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { delay, paths, SERVICE_NAMES, ServiceName, TestSystem } from '../support';
import { benchReport, Measurement, Variant } from './bench-report';
import { YardstickSystem } from './yardstick-system';

/**
 * The benchmark (`npm run bench`, see test/bench/run.js): each variant — this checkout, another
 * revision's build, tracing on, the yardstick — started fresh (new databases) for a round, then
 * every scenario driven through the store by autocannon at each connection level, the variants
 * measured back to back level by level (`runRound`).
 * It prints req/s and latency percentiles, never asserts a speed.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? '8');
/**
 * A level is measured after a warm-up at the same level: 2 s, and longer before a scenario's first
 * level. A service just started spends 2–3× its steady CPU per request in its first seconds under
 * load (V8 compiles the hot code as it runs), most of the way down after ~10 s: measured after 2 s
 * only, a fresh system's first level showed 318 req/s where it later ran 710 (docs/benchmarks.md).
 */
const WARM_UP_SECONDS = 2;
const FIRST_WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? '10');
if (!(FIRST_WARM_UP_SECONDS >= 0))
  throw new Error(`--warm-up wants a number of seconds, not '${process.env.BENCH_WARM_UP_SECONDS}'`);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '1');
const VARIANTS = JSON.parse(process.env.BENCH_VARIANTS ?? '[{"label":"this checkout"}]') as Variant[];
const SCENARIOS = (
  process.env.BENCH_SCENARIOS ?? 'catalogue,view,list10,list100,purchase,refund,claim'
).split(',');

/** One scenario as autocannon requests: a single request, or a sequence run in turn per connection. */
type Scenario = autocannon.Request[];

/** What a scenario needs of a running system: this repository's services or the yardstick. */
interface BenchSystem {
  url(service: ServiceName): string;
  sql(service: ServiceName, text: string, params?: unknown[]): Promise<unknown>;
  pid(service: ServiceName): number | undefined;
  stop(): Promise<void>;
}

/** Scenarios the yardstick implements (it has no refund and no warranty claim). */
const YARDSTICK_SCENARIOS = new Set(['catalogue', 'view', 'list10', 'list100', 'purchase']);

const JSON_HEADERS = { 'content-type': 'application/json' };
const PURCHASE_BODY = JSON.stringify({ model: 'Lego 8880', size: 'L' });

async function purchase(system: BenchSystem, userUid: string): Promise<string> {
  const answer = await fetch(system.url('store') + paths.storePurchase(userUid), {
    method: 'POST',
    headers: JSON_HEADERS,
    body: PURCHASE_BODY,
  });
  if (answer.status !== 201) throw new Error(`Setting up: purchase answered ${answer.status}`);
  return ((await answer.json()) as { orderUid: string }).orderUid;
}

/** A user with `orders` orders bought through the store; returns the user and the orders. */
async function customer(
  system: BenchSystem,
  orders: number,
): Promise<{ userUid: string; orderUids: string[] }> {
  const userUid = randomUUID();
  await system.sql('store', 'INSERT INTO users (name, user_uid) VALUES ($1, $2)', [
    `bench-${userUid}`,
    userUid,
  ]);
  const orderUids: string[] = [];
  for (let i = 0; i < orders; i++) orderUids.push(await purchase(system, userUid));
  return { userUid, orderUids };
}

async function scenario(system: BenchSystem, name: string): Promise<Scenario> {
  switch (name) {
    case 'catalogue':
      return [{ method: 'GET', path: paths.storeItems }];
    case 'view': {
      const { userUid, orderUids } = await customer(system, 1);
      return [{ method: 'GET', path: paths.storeOrder(userUid, orderUids[0]) }];
    }
    case 'list10':
    case 'list100': {
      const { userUid } = await customer(system, Number(name.slice('list'.length)));
      return [{ method: 'GET', path: paths.storeOrders(userUid) }];
    }
    case 'purchase': {
      const { userUid } = await customer(system, 0);
      return [
        { method: 'POST', path: paths.storePurchase(userUid), headers: JSON_HEADERS, body: PURCHASE_BODY },
      ];
    }
    case 'refund': {
      // Each connection buys, then refunds what it bought: both requests count.
      const { userUid } = await customer(system, 0);
      return [
        {
          method: 'POST',
          path: paths.storePurchase(userUid),
          headers: JSON_HEADERS,
          body: PURCHASE_BODY,
          onResponse: (status, body, context: { orderUid?: string }) => {
            context.orderUid =
              status === 201 ? (JSON.parse(body) as { orderUid: string }).orderUid : undefined;
          },
        },
        {
          method: 'DELETE',
          setupRequest: (request, context: { orderUid?: string }) =>
            context.orderUid
              ? { ...request, path: paths.storeRefund(userUid, context.orderUid) }
              : undefined!,
        },
      ];
    }
    case 'claim': {
      // The same order claimed again and again: the first is decided RETURN, the rest REFUSE.
      const { userUid, orderUids } = await customer(system, 1);
      return [
        {
          method: 'POST',
          path: paths.storeClaim(userUid, orderUids[0]),
          headers: JSON_HEADERS,
          body: JSON.stringify({ reason: 'benchmark' }),
        },
      ];
    }
    default:
      throw new Error(`Unknown scenario ${name}`);
  }
}

async function drive(url: string, requests: Scenario, connections: number, seconds: number) {
  return autocannon({ url, requests, connections, duration: seconds });
}

/** Peak resident memory of a process since its last `resetPeakRss` (Linux: VmHWM), in MiB. */
function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

/**
 * Starts a process's peak resident memory again from what it holds now (Linux ≥ 4.0: "5" to
 * /proc/PID/clear_refs), so that each scenario's peak is its own, not the run's so far.
 */
function resetPeakRss(pid: number | undefined): void {
  if (pid !== undefined) writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** CPU time (user + system) a process has used so far, in ms (Linux: /proc/PID/stat, 100 ticks/s). */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function cpuOfServices(system: BenchSystem): Record<string, number> {
  return Object.fromEntries(SERVICE_NAMES.map((service) => [service, cpuMs(system.pid(service))]));
}

/** Where the services send their spans when a variant traces: it takes them and answers 200. */
async function spanSink(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function startSystem(variant: Variant, sinkUrl: string | undefined): Promise<BenchSystem> {
  if (variant.yardstick) {
    const adminUrl = process.env.TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('The yardstick runs on PostgreSQL only (not with --embedded)');
    return YardstickSystem.start(variant.yardstick, adminUrl);
  }
  const profiles = process.env.BENCH_CPU_PROF_DIR;
  const commandLineFlags = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const system = await TestSystem.start({
    distDir: variant.distDir,
    env: {
      NODE_ENV: 'production',
      ...(sinkUrl ? { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl } : {}),
      // Set even when empty: `--node-options ""` means V8's defaults, not the caller's NODE_OPTIONS.
      ...(process.env.BENCH_NODE_OPTIONS !== undefined
        ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS }
        : {}),
      // Empty: glibc's default number of arenas.
      ...(process.env.BENCH_MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.BENCH_MALLOC_ARENA_MAX } : {}),
    },
    nodeArgs: Object.fromEntries(
      SERVICE_NAMES.map((service) => [
        service,
        [
          ...commandLineFlags,
          // Written when the service exits at the end of the run.
          ...(profiles
            ? [
                '--cpu-prof',
                `--cpu-prof-dir=${join(profiles, variant.label.replace(/[^\w.-]+/g, '-'), service)}`,
              ]
            : []),
        ],
      ]),
    ),
  });
  return {
    url: (service) => system.url(service),
    sql: (service, text, params) => system.sql(service, text, params),
    pid: (service) => system.services[service].pid,
    stop: () => system.stop(),
  };
}

/** A variant's system, up for a round. */
interface RunningVariant {
  variant: Variant;
  system: BenchSystem;
  sink?: { server: Server };
}

async function startVariant(variant: Variant): Promise<RunningVariant> {
  const sink = variant.tracing ? await spanSink() : undefined;
  let system: BenchSystem | undefined;
  try {
    system = await startSystem(variant, sink?.url);
    // Enough stock for every purchase the benchmark makes.
    await system.sql('warehouse', 'UPDATE items SET available_count = 100000000');
    return { variant, system, sink };
  } catch (error) {
    // Nothing of a variant that could not start is left running.
    await Promise.allSettled([system?.stop()]);
    sink?.server.close();
    throw error;
  }
}

async function stopVariant({ system, sink }: RunningVariant): Promise<void> {
  try {
    await system.stop();
  } finally {
    sink?.server.close();
  }
}

/** Stops every variant, even when one of them fails to stop; prints each failure, then throws. */
async function stopVariants(running: RunningVariant[]): Promise<void> {
  const failures = (await Promise.allSettled(running.map(stopVariant))).flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
  for (const failure of failures)
    process.stderr.write(`a variant did not stop cleanly: ${String(failure)}\n`);
  if (failures.length > 0) throw new AggregateError(failures, 'Some variants did not stop cleanly');
}

/** CPU time (ms) every service of these systems has used so far. */
function cpuOfSystems(running: RunningVariant[]): number {
  return running.reduce(
    (sum, { system }) => sum + Object.values(cpuOfServices(system)).reduce((a, b) => a + b, 0),
    0,
  );
}

/**
 * CPU time (ms) the whole machine has been busy so far: every process, PostgreSQL's included
 * (idle and iowait left out; guest time is within user). Linux counts in USER_HZ, 100 per second.
 */
function busyMsOfMachine(): number {
  // /proc/stat's first line: user nice system idle iowait irq softirq steal …, in ticks of 10 ms.
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) * 10;
}

/** The machine has finished what it was still doing below this share of one core. */
const QUIET_CPU_PERCENT = 10;
const QUIET_SAMPLE_MS = 250;
const QUIET_WITHIN_MS = 20_000;

/**
 * Waits until the machine is quiet before a measured run: a variant whose level has just ended
 * may still be serving the requests it had in flight (a list of 100 at 64 connections: seconds
 * of fan-out), and PostgreSQL may be analysing the fresh databases or writing a checkpoint —
 * either would take the machine from the variant measured (a first level once ran at half the
 * speed of the next, at its usual CPU per request). Bounded: says so and goes on.
 */
async function untilMachineQuiet(): Promise<void> {
  const startedAt = Date.now();
  let before = busyMsOfMachine();
  while (Date.now() - startedAt < QUIET_WITHIN_MS) {
    await delay(QUIET_SAMPLE_MS);
    const now = busyMsOfMachine();
    if (((now - before) / QUIET_SAMPLE_MS) * 100 < QUIET_CPU_PERCENT) {
      const waitedMs = Date.now() - startedAt;
      if (waitedMs > 2 * QUIET_SAMPLE_MS)
        process.stdout.write(`the machine was quiet after ${waitedMs} ms\n`);
      return;
    }
    before = now;
  }
  process.stdout.write(`the machine was still busy after ${QUIET_WITHIN_MS} ms; measuring anyway\n`);
}

/**
 * One level of one scenario on one variant: a warm-up, then the measured run. The other variants
 * are up and idle meanwhile; their CPU during the run is printed, to show they leave the machine
 * to the one measured.
 */
async function measureLevel(
  { variant, system }: RunningVariant,
  others: RunningVariant[],
  name: string,
  requests: Scenario,
  connections: number,
  warmUpSeconds: number,
  round: number,
): Promise<Measurement> {
  // On PostgreSQL, the writes of the run before (its purchases, refunds, claims) flushed now, not
  // while this one is measured. (Embedded: every variant has its own databases, and a statement
  // from outside restarts the service.)
  if (process.env.TEST_DATABASE_URL) await system.sql('warehouse', 'CHECKPOINT');
  if (warmUpSeconds > 0) await drive(system.url('store'), requests, connections, warmUpSeconds);
  await untilMachineQuiet();
  const cpuBefore = cpuOfServices(system);
  const othersBefore = cpuOfSystems(others);
  const result = await drive(system.url('store'), requests, connections, SECONDS);
  const othersCpuPercent = (cpuOfSystems(others) - othersBefore) / (SECONDS * 10);
  const cpuAfter = cpuOfServices(system);
  const cpuMsPerRequest = Object.fromEntries(
    SERVICE_NAMES.map((service) => [
      service,
      (cpuAfter[service] - cpuBefore[service]) / Math.max(1, result.requests.total),
    ]),
  );
  process.stdout.write(
    `${variant.label} #${round} ${name} ×${connections}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms, ` +
      `CPU ms per request ${SERVICE_NAMES.map((service) => `${service} ${cpuMsPerRequest[service].toFixed(2)}`).join(', ')}` +
      (others.length ? `; the idle variants used ${othersCpuPercent.toFixed(1)}% of a core` : '') +
      '\n',
  );
  return {
    variant: variant.label,
    round,
    scenario: name,
    connections,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors + result.timeouts,
    cpuMsPerRequest,
  };
}

/**
 * One round: every variant started fresh (new databases) and left up; then scenario by scenario,
 * level by level, the variants measured one right after the other — a pair of measurements a few
 * seconds apart sees the same machine, where a variant's whole run after another's (minutes
 * apart) saw its speed drift by tens of percent. The order is reversed every other level (and
 * every other round, by `order`): whichever runs second meets the first one's writes.
 */
async function runRound(order: Variant[], round: number): Promise<Measurement[]> {
  const running: RunningVariant[] = [];
  const measurements: Measurement[] = [];
  try {
    for (const variant of order) running.push(await startVariant(variant));
    for (const name of SCENARIOS) {
      const taking = running.filter(({ variant }) => !variant.yardstick || YARDSTICK_SCENARIOS.has(name));
      const requests = new Map<RunningVariant, Scenario>();
      for (const each of taking) {
        for (const service of SERVICE_NAMES) resetPeakRss(each.system.pid(service));
        requests.set(each, await scenario(each.system, name));
      }
      const scenarioMeasurements = new Map<RunningVariant, Measurement[]>(taking.map((each) => [each, []]));
      for (const [level, connections] of CONNECTIONS.entries()) {
        const warmUp = level === 0 ? FIRST_WARM_UP_SECONDS : WARM_UP_SECONDS;
        for (const each of level % 2 === 0 ? taking : [...taking].reverse()) {
          const others = running.filter((other) => other !== each);
          scenarioMeasurements
            .get(each)!
            .push(await measureLevel(each, others, name, requests.get(each)!, connections, warmUp, round));
        }
      }
      // Each variant's peak in the scenario: its setup (the orders it buys) and every level.
      for (const [each, ofVariant] of scenarioMeasurements) {
        const rss = Object.fromEntries(
          SERVICE_NAMES.map((service: ServiceName) => [service, peakRssMiB(each.system.pid(service))]),
        );
        for (const measurement of ofVariant) measurement.peakRssMiB = rss;
        measurements.push(...ofVariant);
      }
    }
  } catch (error) {
    // The round's own failure is the one reported; a variant that also fails to stop is printed.
    await stopVariants(running).catch(() => undefined);
    throw error;
  }
  await stopVariants(running);
  return measurements;
}

/**
 * Connections a running variant may hold on the server: each service's pool (node-postgres'
 * default 10, as the yardstick's), and a few for the benchmark's own statements.
 */
const CONNECTIONS_PER_VARIANT = 4 * 10 + 4;

/** Every variant is up at once: the server must take all their pools, or requests would fail. */
async function expectRoomForEveryVariant(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ max_connections: string }>('SHOW max_connections');
    const needed = CONNECTIONS_PER_VARIANT * VARIANTS.length + 3; // PostgreSQL's reserved ones
    if (Number(rows[0].max_connections) < needed) {
      throw new Error(
        `${VARIANTS.length} variants up at once need max_connections ≥ ${needed} on the server (it has ${rows[0].max_connections}): compare fewer at a time`,
      );
    }
  } finally {
    await client.end();
  }
}

describe('benchmark', () => {
  it(`measures ${SCENARIOS.join(', ')} at ${CONNECTIONS.join(', ')} connections`, async () => {
    if (process.env.TEST_DATABASE_URL) await expectRoomForEveryVariant(process.env.TEST_DATABASE_URL);
    const measurements: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Every other round in reverse: with one order only, every scenario favoured the variant
      // that ran first (docs/benchmarks.md, round six; probably the server still busy with the
      // writes of the one before).
      const order = round % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
      measurements.push(...(await runRound(order, round)));
    }
    const report = benchReport(
      {
        seconds: SECONDS,
        warmUpSeconds: [FIRST_WARM_UP_SECONDS, WARM_UP_SECONDS],
        rounds: ROUNDS,
        engine: process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded',
        nodeOptions: process.env.BENCH_NODE_OPTIONS,
        nodeArgs: process.env.BENCH_NODE_ARGS,
        mallocArenaMax: process.env.BENCH_MALLOC_ARENA_MAX,
      },
      VARIANTS,
      measurements,
    );
    process.stdout.write(`\n${report}\n`);
    if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, report);
    const runs = (variant: Variant) =>
      SCENARIOS.filter((name) => !variant.yardstick || YARDSTICK_SCENARIOS.has(name)).length;
    const expected = VARIANTS.reduce((sum, variant) => sum + runs(variant), 0) * ROUNDS * CONNECTIONS.length;
    expect(measurements.length).toBe(expected);
  });
});
