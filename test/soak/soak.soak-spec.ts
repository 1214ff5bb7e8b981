import { runSoak } from './run-soak';

/**
 * The soak (`npm run soak -- --minutes N [--seed S] [--replicas R]`, see test/soak/run.js): the
 * services under a seeded mixed load with kills; any broken promise fails it (see run-soak.ts).
 */
const MINUTES = Number(process.env.SOAK_MINUTES ?? '1');
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? '8');
const REPLICAS = Number(process.env.SOAK_REPLICAS ?? '1');

describe('soak', () => {
  it(`keeps every promise under load and kills (${MINUTES} min, seed ${SEED}, ${REPLICAS} instance(s) each)`, async () => {
    const { report, violations } = await runSoak({
      loadMs: MINUTES * 60_000,
      seed: SEED,
      clients: CLIENTS,
      replicas: REPLICAS,
      amqpUrl: process.env.TEST_AMQP_URL,
      reportFile: process.env.SOAK_REPORT,
    });
    process.stdout.write(`\n${report}\n`);
    expect(violations).toEqual([]);
  });
});
