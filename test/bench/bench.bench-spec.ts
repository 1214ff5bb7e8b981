import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { paths, SERVICE_NAMES, ServiceName, TestSystem } from '../support';
import { benchReport, Measurement, Variant } from './bench-report';

/**
 * The benchmark (`npm run bench`, see test/bench/run.js): each variant — this checkout, another
 * revision's build, tracing on — started fresh (new databases), then every scenario driven
 * through the store by autocannon at each connection level; variants alternate round by round.
 * It prints req/s and latency percentiles, never asserts a speed.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? '8');
const WARM_UP_SECONDS = 2;
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '1,16,64').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? '1');
const VARIANTS = JSON.parse(process.env.BENCH_VARIANTS ?? '[{"label":"this checkout"}]') as Variant[];
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'catalogue,view,list10,purchase').split(',');

interface Scenario {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

/** A user with `orders` orders bought through the store; returns the user and the orders. */
async function customer(
  system: TestSystem,
  orders: number,
): Promise<{ userUid: string; orderUids: string[] }> {
  const userUid = randomUUID();
  await system.sql('store', 'INSERT INTO users (name, user_uid) VALUES ($1, $2)', [
    `bench-${userUid}`,
    userUid,
  ]);
  const store = system.http('store');
  const orderUids: string[] = [];
  for (let i = 0; i < orders; i++) {
    const answer = await store.post<{ orderUid: string }>(paths.storePurchase(userUid), {
      model: 'Lego 8070',
      size: 'M',
    });
    if (answer.status !== 201) throw new Error(`Setting up: purchase answered ${answer.status}`);
    orderUids.push(answer.body.orderUid);
  }
  return { userUid, orderUids };
}

async function scenario(system: TestSystem, name: string): Promise<Scenario> {
  switch (name) {
    case 'catalogue':
      return { method: 'GET', path: paths.storeItems };
    case 'view': {
      const { userUid, orderUids } = await customer(system, 1);
      return { method: 'GET', path: paths.storeOrder(userUid, orderUids[0]) };
    }
    case 'list10':
    case 'list100': {
      const { userUid } = await customer(system, Number(name.slice('list'.length)));
      return { method: 'GET', path: paths.storeOrders(userUid) };
    }
    case 'purchase': {
      const { userUid } = await customer(system, 0);
      return {
        method: 'POST',
        path: paths.storePurchase(userUid),
        body: JSON.stringify({ model: 'Lego 8880', size: 'L' }),
      };
    }
    default:
      throw new Error(`Unknown scenario ${name}`);
  }
}

async function drive(url: string, request: Scenario, connections: number, seconds: number) {
  return autocannon({
    url: url + request.path,
    method: request.method,
    body: request.body,
    headers: request.body ? { 'content-type': 'application/json' } : {},
    connections,
    duration: seconds,
  });
}

/** Peak resident memory of a process so far (Linux: VmHWM), in MiB. */
function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
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

async function runVariant(variant: Variant, round: number): Promise<Measurement[]> {
  const sink = variant.tracing ? await spanSink() : undefined;
  const system = await TestSystem.start({
    distDir: variant.distDir,
    env: { NODE_ENV: 'production', ...(sink ? { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url } : {}) },
  });
  const measurements: Measurement[] = [];
  try {
    // Enough stock for every purchase the benchmark makes.
    await system.sql('warehouse', 'UPDATE items SET available_count = 100000000');
    for (const name of SCENARIOS) {
      const request = await scenario(system, name);
      for (const connections of CONNECTIONS) {
        await drive(system.url('store'), request, connections, WARM_UP_SECONDS);
        const result = await drive(system.url('store'), request, connections, SECONDS);
        measurements.push({
          variant: variant.label,
          round,
          scenario: name,
          connections,
          requestsPerSecond: result.requests.average,
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          failed: result.non2xx + result.errors + result.timeouts,
        });
        process.stdout.write(
          `${variant.label} #${round} ${name} ×${connections}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms\n`,
        );
      }
    }
    const rss = Object.fromEntries(
      SERVICE_NAMES.map((service: ServiceName) => [service, peakRssMiB(system.services[service].pid)]),
    );
    for (const measurement of measurements) measurement.peakRssMiB = rss;
    return measurements;
  } finally {
    await system.stop();
    sink?.server.close();
  }
}

describe('benchmark', () => {
  it(`measures ${SCENARIOS.join(', ')} at ${CONNECTIONS.join(', ')} connections`, async () => {
    const measurements: Measurement[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const variant of VARIANTS) measurements.push(...(await runVariant(variant, round)));
    }
    const report = benchReport(
      { seconds: SECONDS, rounds: ROUNDS, engine: process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded' },
      VARIANTS,
      measurements,
    );
    process.stdout.write(`\n${report}\n`);
    if (process.env.BENCH_REPORT) writeFileSync(process.env.BENCH_REPORT, report);
    expect(measurements.length).toBe(ROUNDS * VARIANTS.length * SCENARIOS.length * CONNECTIONS.length);
  });
});
