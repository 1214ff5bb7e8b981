/** Unit specs live beside the code; integration and e2e specs in test/ use the real databases. */
const { availableParallelism } = require('node:os');

const moduleNameMapper = {
  '^@app/bootstrap/register$': '<rootDir>/libs/bootstrap/src/register',
  '^@app/tracing/register$': '<rootDir>/libs/tracing/src/register',
  '^@app/(.*)$': '<rootDir>/libs/$1/src',
  '^@test/(.*)$': '<rootDir>/test/$1',
};
// Transpiled file by file, without a type check: `npm run lint` type-checks apps, libs and test
// once (tsc --noEmit), which CI gates on; checking again per test worker doubled the unit run.
const transform = {
  '^.+\\.ts$': ['ts-jest', { isolatedModules: true }],
};

/**
 * One worker more than the cores, at most 3. An e2e file spends much of its time waiting for a
 * killed service's restart, a back-off or a breaker's pause, so on 2 cores a third worker cut the
 * parallel phase by ~25% (real servers) and ~21% (embedded engines), measured in test/README.md.
 * The cap: every worker runs a system of four services whose PostgreSQL pools may each open 10
 * connections (they open only as many as run queries at once: sampled every 0.5 s through the
 * parallel phase with three workers, at most 43 client connections, 11 on average), and the
 * server's default max_connections is 100. It applies to the unit specs too, which take seconds.
 */
const maxWorkers = Math.min(3, availableParallelism() + 1);

module.exports = {
  // Unit tests are far below this; the e2e project sets its own (test/setup/e2e-timeout.ts).
  testTimeout: 60000,
  maxWorkers,
  projects: [
    {
      displayName: 'unit',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testRegex: '\\.spec\\.ts$',
      setupFiles: ['<rootDir>/test/setup/quiet-logger.ts'],
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'soak',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/test/soak'],
      testRegex: '\\.soak-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'bench',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/test/bench'],
      testRegex: '\\.bench-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'browser',
      rootDir: __dirname,
      testEnvironment: 'node',
      roots: ['<rootDir>/test/browser'],
      testRegex: '\\.browser-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleNameMapper,
      transform,
    },
    {
      displayName: 'e2e',
      rootDir: __dirname,
      testEnvironment: '<rootDir>/test/setup/e2e-environment.js',
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
      roots: ['<rootDir>/test'],
      testRegex: '\\.(e2e|int)-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleNameMapper,
      transform,
    },
  ],
};
