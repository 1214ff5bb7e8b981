import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The services' V8 settings (package.json's `config.nodeOptions`: the heap sized for a service)
 * are the same wherever a service is started for real: the image, `npm start` and the benchmark
 * (test/bench/run.js reads them from package.json itself).
 */
const ROOT = join(__dirname, '../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  config: { nodeOptions: string };
  scripts: Record<string, string>;
};

describe('the services’ V8 settings', () => {
  const { nodeOptions } = pkg.config;

  it('size the heap', () => {
    expect(nodeOptions).toMatch(/--max-old-space-size=\d+/);
    expect(nodeOptions).toMatch(/--max-semi-space-size=\d+/);
  });

  it('are the image’s NODE_OPTIONS, set in its runtime stage', () => {
    const runtime = read('Dockerfile').split(/^FROM .* AS runtime$/m)[1] ?? '';
    expect(runtime).toContain(`ENV NODE_OPTIONS="${nodeOptions}"`);
  });

  it('are what `npm start` gives the four services', () => {
    expect(pkg.scripts['start:all']).toMatch(
      /^LOG_FORMAT=pretty NODE_OPTIONS="\$npm_package_config_nodeOptions /,
    );
  });

  it('are not overridden by the compose file or the Kubernetes manifests', () => {
    expect(read('docker-compose.yml')).not.toContain('NODE_OPTIONS');
    for (const service of ['store', 'order', 'warehouse', 'warranty'])
      expect(read(`deploy/kubernetes/base/${service}/deployment.yaml`)).not.toContain('NODE_OPTIONS');
  });
});
