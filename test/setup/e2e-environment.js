const { TestEnvironment } = require('jest-environment-node');

/**
 * Node's environment, counting the failed tests and hooks of the file in the global
 * `__e2eFailures`, so that a test system stopping after a failure can print what its services
 * logged (test/support/test-system.ts): on CI the services' log files are gone with the run.
 */
class E2eEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.global.__e2eFailures = 0;
  }

  handleTestEvent(event) {
    // A test's errors are all in by its end (its function's, uncaught ones, expect.assertions').
    const failedTest = event.name === 'test_done' && event.test.errors.length > 0;
    if (failedTest || event.name === 'hook_failure') this.global.__e2eFailures += 1;
  }
}

module.exports = E2eEnvironment;
