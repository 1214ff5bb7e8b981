#!/usr/bin/env node
/**
 * npm run soak -- --minutes N [--seed S] [--clients C] [--replicas R] [--report FILE]
 * Real PostgreSQL and RabbitMQ when TEST_DATABASE_URL / TEST_AMQP_URL (or --postgres / --rabbitmq)
 * are given, the embedded engines otherwise. --replicas R runs R instances of each service behind
 * round-robin proxies, which needs real PostgreSQL. Builds first (npm script), then runs the spec.
 */
const { runJestProject } = require('../support/run-jest-project');
const { resolve } = require('node:path');

const flags = {
  minutes: 'SOAK_MINUTES',
  seed: 'SOAK_SEED',
  clients: 'SOAK_CLIENTS',
  replicas: 'SOAK_REPLICAS',
  report: 'SOAK_REPORT',
  postgres: 'TEST_DATABASE_URL',
  rabbitmq: 'TEST_AMQP_URL',
};
const env = { ...process.env };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const name = args[i].replace(/^--/, '');
  if (!(name in flags) || args[i + 1] === undefined) {
    console.error(
      `Unknown or incomplete option ${args[i]}; options: ${Object.keys(flags)
        .map((f) => `--${f}`)
        .join(', ')}`,
    );
    process.exit(2);
  }
  env[flags[name]] = name === 'report' ? resolve(args[i + 1]) : args[i + 1];
}
const minutes = Number(env.SOAK_MINUTES ?? '1');
if (Number(env.SOAK_REPLICAS ?? '1') > 1 && !env.TEST_DATABASE_URL) {
  console.error('--replicas needs real PostgreSQL: set TEST_DATABASE_URL or --postgres');
  process.exit(2);
}
// The load, the retries' grace, the wait for stillness and the start-up.
process.exit(runJestProject('soak', env, (minutes * 60 + 600) * 1000));
