/**
 * Runs one jest project of this repository alone, in band, in a child process (the long runs
 * behind `npm run soak` and `npm run bench`); returns its exit status.
 */
const { spawnSync } = require('node:child_process');
const { resolve } = require('node:path');

const ROOT = resolve(__dirname, '..', '..');

function runJestProject(project, env, testTimeoutMs) {
  const result = spawnSync(
    process.execPath,
    [
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--selectProjects',
      project,
      '--runInBand',
      `--testTimeout=${Math.ceil(testTimeoutMs)}`,
    ],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  return result.status ?? 1;
}

module.exports = { ROOT, runJestProject };
