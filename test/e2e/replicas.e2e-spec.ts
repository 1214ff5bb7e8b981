import { runSoak } from '../soak/run-soak';

/**
 * Replicas are safe (CONTRACT.md, "Fault tolerance" 5): two instances of every service on one
 * database each, started at the same moment on fresh databases (their migrations race), behind
 * round-robin proxies as Kubernetes Services would balance them; a mixed load through both store
 * instances while one instance of each service in turn is SIGKILLed and restarted — so two saga
 * workers, two outbox relays, two claim consumers and two overdue-claim republishers run side by
 * side and take over from each other; then every invariant of the soak (stock conserved, no half
 * orders, claims decided once, no saga compensated twice or left unfinished). The soak's own
 * harness (`npm run soak -- --replicas 2`), run short. Real PostgreSQL and RabbitMQ only.
 */
// Long enough for the four kills in turn: a kill is recorded after its pause (1–2 s), and a
// cycle is that pause, 0.5–3 s down and a restart (~1–3 s under this load), so the fourth kill
// comes after three cycles and a pause: ~26 s at worst.
const LOAD_MS = 30_000;
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Start-up of eight processes, the load, the retries' grace and the wait for stillness. */
const TEST_TIMEOUT_MS = 600_000;

const REAL = process.env.TEST_DATABASE_URL && process.env.TEST_AMQP_URL;

(REAL ? describe : describe.skip)('replicas: two instances of each service', () => {
  it(
    `keep every promise while one instance of each is killed in turn (seed ${SEED})`,
    async () => {
      const { report, violations } = await runSoak({
        loadMs: LOAD_MS,
        seed: SEED,
        clients: 6,
        replicas: 2,
        amqpUrl: process.env.TEST_AMQP_URL,
        chaos: { oneInstanceEach: true, everyMs: [1000, 2000] },
      });
      expect(report).toMatch(/2 instance\(s\) of each service/);
      // Each service lost an instance at least once while the load ran.
      for (const service of ['store-2', 'order-2', 'warehouse-2', 'warranty-2'])
        expect(report).toContain(service);
      expect(violations).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
