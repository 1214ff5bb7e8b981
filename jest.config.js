/** Unit specs live beside the code; integration and e2e specs in test/ use the real databases. */
const { availableParallelism } = require('node:os');

const moduleNameMapper = {
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
 * One worker more than the cores: an e2e file spends much of its time waiting for a killed
 * service's restart, a back-off or a breaker's pause, so on 2 cores a third worker cut the
 * parallel phase by 15% (real servers) to 30% (embedded engines), measured in test/README.md.
 * At most 3: every worker runs a system of four services with up to 10 PostgreSQL connections
 * each, and the server's default max_connections is 100.
 */
const maxWorkers = Math.min(3, availableParallelism() + 1);

module.exports = {
  // Integration and e2e tests start databases and processes; unit tests are far below this.
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
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testRegex: '\\.(e2e|int)-spec\\.ts$',
      moduleFileExtensions: ['ts', 'js', 'json'],
      moduleNameMapper,
      transform,
    },
  ],
};
