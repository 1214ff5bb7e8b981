import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster, hasCluster } from '@app/database';
import { SYSTEM_TIMEOUT_MS } from '../support';

/**
 * The embedded engine's initdb in a child process (libs/database/src/embedded-cluster.ts): the
 * cluster appears whole in the data directory the service made (a mount point, say) or not at
 * all, and what an interrupted attempt left is cleared by the next one. PGlite only: no server.
 */
describe('createCluster (embedded initdb)', () => {
  let parent: string;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'store-int-cluster-'));
  });

  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it(
    'creates the cluster in the existing data directory, over what an interrupted attempt left',
    async () => {
      const dataDir = join(parent, 'warranty');
      await mkdir(join(dataDir, '.initdb-0badc0de', 'base'), { recursive: true }); // a build cut short
      await mkdir(join(dataDir, 'global')); // an entry moved up before PG_VERSION was
      await writeFile(join(dataDir, 'global', 'stale'), '');
      expect(hasCluster(dataDir)).toBe(false);

      await createCluster(dataDir);

      expect(hasCluster(dataDir)).toBe(true);
      const entries = await readdir(dataDir);
      expect(entries).toEqual(expect.arrayContaining(['PG_VERSION', 'base', 'global', 'pg_wal']));
      expect(entries.filter((entry) => entry.startsWith('.initdb-'))).toEqual([]);
      expect(await readdir(join(dataDir, 'global'))).not.toContain('stale');
    },
    SYSTEM_TIMEOUT_MS,
  );

  it(
    'fails with the reason when it cannot',
    async () => {
      const notADirectory = join(parent, 'a-file');
      await writeFile(notADirectory, '');

      const dataDir = join(notADirectory, 'order');
      const failure = await createCluster(dataDir).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(Error);
      expect((failure as Error).message).toContain(`Could not create the embedded database in ${dataDir}: `);
      expect((failure as Error).message).toContain('ENOTDIR');
    },
    SYSTEM_TIMEOUT_MS,
  );
});
