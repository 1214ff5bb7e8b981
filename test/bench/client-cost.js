#!/usr/bin/env node
/**
 * node test/bench/client-cost.js [CALLS]
 *
 * The caller's CPU per call to another service, for each way of making it: a loopback JSON GET
 * (a warranty-sized answer from a node:http server in a child process), 32 calls in flight,
 * CALLS calls (default 40,000) after 20,000 to warm up; the CPU is this process's alone
 * (`process.cpuUsage`). Run it on an idle machine, twice; `taskset -c 1` (the server inherits it)
 * gives steadier figures. docs/benchmarks.md, round five.
 *
 *   request             undici's `pool.request()`, the answer read with `body.text()`
 *   request+cockatiel   the same behind cockatiel's `wrap(breaker, timeout)` (the services' way until round five)
 *   exchange+breaker    libs/service-client's `exchange()` (undici's dispatch, its own timer) behind the breaker
 *   node:http           an `http.Agent` with keep-alive (the yardstick's way)
 */
const { Buffer } = require('node:buffer');
const { fork } = require('node:child_process');
const http = require('node:http');
const { once } = require('node:events');
const { performance } = require('node:perf_hooks');

const ANSWER = JSON.stringify({
  itemUid: 'f8d7c2a0-1111-4111-8111-111111111111',
  warrantyDate: '2026-12-01T00:00:00.000Z',
  status: 'ON_WARRANTY',
});

if (process.argv[2] === 'serve') {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(ANSWER),
    });
    response.end(ANSWER);
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
} else {
  main(Number(process.argv[2] ?? 40_000)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

async function main(calls) {
  // cockatiel's time-out adds a listener per call in flight to one shared signal: no warning past ten.
  require('node:events').setMaxListeners(100);
  require('ts-node/register/transpile-only');
  const { Pool } = require('undici');
  const cockatiel = require('cockatiel');
  const { exchange } = require('../../libs/service-client/src/http-exchange');

  const server = fork(__filename, ['serve']);
  const [port] = await once(server, 'message');
  const origin = `http://127.0.0.1:${port}`;
  const headers = { 'X-Request-Id': 'r1', 'X-Request-Budget-Ms': '3000' };
  const pool = new Pool(origin, { keepAliveTimeout: 10_000, connections: 64 });
  const breaker = () =>
    cockatiel.circuitBreaker(cockatiel.handleAll, {
      halfOpenAfter: 1000,
      breaker: new cockatiel.ConsecutiveBreaker(5),
    });
  const cockatielPolicy = cockatiel.wrap(
    breaker(),
    cockatiel.timeout(3000, { strategy: cockatiel.TimeoutStrategy.Aggressive, abortOnReturn: false }),
  );
  cockatielPolicy.onFailure(() => undefined);
  const exchangeBreaker = breaker();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const viaRequest = async (signal) => {
    const response = await pool.request({ method: 'GET', path: '/x', headers, signal });
    return JSON.parse(await response.body.text());
  };
  const viaHttp = () =>
    new Promise((resolve, reject) => {
      http
        .get(`${origin}/x`, { agent, headers }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve(JSON.parse(text)));
        })
        .on('error', reject);
    });
  const ways = {
    request: () => viaRequest(undefined),
    'request+cockatiel': () => cockatielPolicy.execute(({ signal }) => viaRequest(signal)),
    'exchange+breaker': () =>
      exchangeBreaker.execute(async () =>
        JSON.parse((await exchange(pool, { method: 'GET', path: '/x', headers }, 3000)).text),
      ),
    'node:http': viaHttp,
  };

  for (const [name, call] of Object.entries(ways)) {
    const run = async (count) => {
      let started = 0;
      await Promise.all(
        Array.from({ length: 32 }, async () => {
          while (started++ < count) await call();
        }),
      );
    };
    await run(20_000);
    const cpu = process.cpuUsage();
    const began = performance.now();
    await run(calls);
    const { user, system } = process.cpuUsage(cpu);
    const seconds = (performance.now() - began) / 1000;
    console.log(
      `${name.padEnd(18)} ${((user + system) / calls).toFixed(1).padStart(5)} µs CPU per call, ${Math.round(calls / seconds)} calls/s`,
    );
  }
  server.kill();
  await pool.close();
  agent.destroy();
}
