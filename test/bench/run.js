#!/usr/bin/env node
/**
 * npm run bench -- [--seconds S] [--connections 1,16,64] [--scenarios catalogue,view,list10,list100,purchase]
 *                  [--rounds N] [--warm-up S] [--compare REF] [--tracing] [--yardstick [DIR]] [--cpu-prof DIR] [--node-options OPTS] [--node-args ARGS] [--malloc-arena-max N] [--embedded] [--report FILE]
 *
 * Builds (npm script), then runs test/bench/bench.bench-spec.ts: the four services from this
 * checkout on the local PostgreSQL (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * --embedded: PGlite), driven through the store by autocannon.
 *   --warm-up S    how long each scenario's first level is driven before it is measured (default
 *                  10 s: a fresh service is slow for its first seconds under load); 2 s before
 *                  each next level;
 *   --compare REF  also builds git revision REF in a worktree (sharing this node_modules when
 *                  its package-lock.json is this one's, else with its own `npm ci`) and runs it
 *                  alternately with this checkout, printing the ratios;
 *   --tracing      also runs this checkout with OpenTelemetry exporting every span;
 *   --cpu-prof DIR each service writes a V8 CPU profile per run to DIR/<variant>/<service>/
 *                  (a flame graph in Chrome DevTools or speedscope; summary: profile-summary.js);
 *   --node-options "OPTS"  NODE_OPTIONS for the services of every variant but the yardstick
 *                  (default: package.json's config.nodeOptions, the production settings the
 *                  Dockerfile and `npm start` use; "" for V8's own defaults);
 *   --node-args "ARGS"  Node and V8 flags on the same services' command lines, for those that
 *                  NODE_OPTIONS does not allow; one given here wins over a service's own default
 *                  (e.g. "--heap-growing-percent=0": V8's own choice, see round seven);
 *   --malloc-arena-max N  MALLOC_ARENA_MAX for the same services (default: none, glibc's own,
 *                  as the Dockerfile and `npm start`; tried in round five and not adopted);
 *   --yardstick    also runs the yardstick (node:http + pg, default ../shared/yardstick beside
 *                  this repository) alternately: a copy in a temporary folder that uses this
 *                  node_modules' pg. Only its scenarios: catalogue, view, list10, list100, purchase.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { ROOT, runJestProject } = require('../support/run-jest-project');

const valued = {
  seconds: 'BENCH_SECONDS',
  connections: 'BENCH_CONNECTIONS',
  scenarios: 'BENCH_SCENARIOS',
  rounds: 'BENCH_ROUNDS',
  report: 'BENCH_REPORT',
  'cpu-prof': 'BENCH_CPU_PROF_DIR',
  'node-options': 'BENCH_NODE_OPTIONS',
  'node-args': 'BENCH_NODE_ARGS',
  'malloc-arena-max': 'BENCH_MALLOC_ARENA_MAX',
  'warm-up': 'BENCH_WARM_UP_SECONDS',
  compare: undefined,
};
const env = { ...process.env };
const variants = [{ label: 'this checkout' }];
let compare;
let yardstick;
let embedded = false;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const name = args[i].replace(/^--/, '');
  if (name === 'tracing') variants.push({ label: 'this checkout, tracing on', tracing: true });
  else if (name === 'embedded') embedded = true;
  else if (name === 'yardstick')
    yardstick = resolve(
      args[i + 1] && !args[i + 1].startsWith('--') ? args[++i] : join(ROOT, '..', 'shared', 'yardstick'),
    );
  else if (name in valued && args[i + 1] !== undefined) {
    const value = args[++i];
    if (name === 'compare') compare = value;
    else env[valued[name]] = name === 'report' || name === 'cpu-prof' ? resolve(value) : value;
  } else {
    console.error(`Unknown or incomplete option ${args[i]} (see the top of test/bench/run.js)`);
    process.exit(2);
  }
}
env.BENCH_NODE_OPTIONS ??= require('../../package.json').config.nodeOptions;
// The services get BENCH_MALLOC_ARENA_MAX; nothing else (the yardstick, autocannon) the shell's.
delete env.MALLOC_ARENA_MAX;
if (embedded) delete env.TEST_DATABASE_URL;
else env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
delete env.TEST_AMQP_URL; // the benchmark's scenarios do not queue claims

let worktree;
let yardstickCopy;
try {
  if (yardstick) {
    if (!existsSync(join(yardstick, 'start.mjs'))) throw new Error(`No yardstick in ${yardstick}`);
    yardstickCopy = mkdtempSync(join(tmpdir(), 'store-yardstick-'));
    cpSync(yardstick, yardstickCopy, { recursive: true, filter: (path) => !path.includes('node_modules') });
    symlinkSync(join(ROOT, 'node_modules'), join(yardstickCopy, 'node_modules'));
    variants.push({ label: 'yardstick', yardstick: yardstickCopy });
  }
  if (compare) {
    worktree = mkdtempSync(join(tmpdir(), 'store-bench-'));
    execFileSync('git', ['worktree', 'add', '--detach', worktree, compare], { cwd: ROOT, stdio: 'inherit' });
    const lockfile = (dir) => readFileSync(join(dir, 'package-lock.json'), 'utf8');
    if (lockfile(worktree) === lockfile(ROOT)) {
      symlinkSync(join(ROOT, 'node_modules'), join(worktree, 'node_modules'));
    } else {
      execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: worktree, stdio: 'inherit' });
    }
    execFileSync('npm', ['run', 'build'], { cwd: worktree, stdio: 'inherit' });
    if (!existsSync(join(worktree, 'dist', 'apps', 'store', 'main.js')))
      throw new Error(`${compare} did not build`);
    variants.push({ label: compare, distDir: join(worktree, 'dist') });
  }
  env.BENCH_VARIANTS = JSON.stringify(variants);
  process.exitCode = runJestProject('bench', env, 2 * 60 * 60 * 1000);
} finally {
  if (yardstickCopy) rmSync(yardstickCopy, { recursive: true, force: true });
  if (worktree) {
    spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: ROOT, stdio: 'inherit' });
    rmSync(worktree, { recursive: true, force: true });
  }
}
