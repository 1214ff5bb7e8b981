import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCluster, hasCluster } from '@app/database';

/**
 * The embedded engine's initdb in a child process (libs/database/src/embedded-cluster.ts): the
 * cluster appears whole or not at all, and two processes creating it at once both end with it.
 */
describe('createCluster (embedded initdb)', () => {
  let parent: string;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'store-int-cluster-'));
  });

  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('creates the cluster once when two create it at once, and leaves nothing beside it', async () => {
    const dataDir = join(parent, 'warranty');
    expect(hasCluster(dataDir)).toBe(false);

    await Promise.all([createCluster(dataDir), createCluster(dataDir)]);

    expect(hasCluster(dataDir)).toBe(true);
    expect(await readdir(parent)).toEqual(['warranty']);
  });

  it('fails with the reason when it cannot, and leaves no cluster behind', async () => {
    const notADirectory = join(parent, 'a-file');
    await writeFile(notADirectory, '');
    const dataDir = join(notADirectory, 'order');

    await expect(createCluster(dataDir)).rejects.toThrow(
      `Could not create the embedded database in ${dataDir}: `,
    );
    expect(hasCluster(dataDir)).toBe(false);
  });
});
