import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';

/**
 * Every package the lock file installs runs on the oldest Node the project promises
 * (package.json's `engines`): a transitive dependency's new major may need a newer Node than the
 * machines have (content-disposition 3, pulled in by @fastify/static 10, needs Node 22), and npm
 * installs it with no more than a warning.
 */
const ROOT = join(__dirname, '../..');
const read = (file: string) => JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as unknown;

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('the locked dependencies', () => {
  const { engines } = read('package.json') as { engines: { node: string } };
  const oldestNode = minVersion(engines.node);
  const { packages } = read('package-lock.json') as { packages: Record<string, LockedPackage> };

  it('promise a Node version', () => {
    expect(oldestNode?.version).toMatch(/^20\./);
  });

  it('all run on that version', () => {
    const needNewerNode = Object.entries(packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, locked]) => {
        const range = Array.isArray(locked.engines) ? undefined : locked.engines?.node;
        return range && oldestNode && !satisfies(oldestNode, range)
          ? [`${path}@${locked.version ?? '?'} needs Node ${range}`]
          : [];
      });
    expect(needNewerNode).toEqual([]);
  });
});
