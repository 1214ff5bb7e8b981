import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SHUTDOWN_GRACE_MS } from '@app/bootstrap';
import { DEFAULT_PORTS, type ServiceKey } from '@app/config';
import { CONTRACT_VARIABLES } from '../support/service-process';

/**
 * The Kubernetes manifests as a cluster would get them (`kubectl kustomize`, which needs no
 * cluster), checked against the Kubernetes API schemas and against the policies we promise:
 * probes, replicas, no root, only the store's /api/ reachable from outside, each service
 * reachable only from its callers.
 */
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // The tests read deep into the documents; the schema check has vouched for their shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
}

const SERVICES = Object.keys(DEFAULT_PORTS) as ServiceKey[];
/** Who calls whom (CONTRACT.md): the only pods each service lets in, besides Prometheus. */
const CALLERS: Record<ServiceKey, ServiceKey[]> = {
  store: [],
  order: ['store'],
  warehouse: ['order', 'store'],
  warranty: ['order', 'store', 'warehouse'],
};

function render(overlay: string): Manifest[] {
  const directory = join(__dirname, '../../deploy/kubernetes/overlays', overlay);
  const text = execFileSync('kubectl', ['kustomize', directory], { encoding: 'utf8' });
  return parseAllDocuments(text).map((document) => document.toJS() as Manifest);
}

/** The kubernetes-models class of a manifest's kind (`apps/v1` → `kubernetes-models/apps/v1/…`). */
function validate(manifest: Manifest): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- one module per kind
  const models = require(`kubernetes-models/${manifest.apiVersion}/${manifest.kind}`) as Record<
    string,
    new (data: Manifest) => { validate(): void }
  >;
  new models[manifest.kind](manifest).validate();
}

describe('Kubernetes manifests (deploy/kubernetes/overlays/production)', () => {
  const manifests = render('production');
  const find = (kind: string, name: string) => {
    const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
    if (!found) throw new Error(`No ${kind} ${name} in the rendered manifests`);
    return found;
  };

  it('are valid Kubernetes objects, all in the namespace store-system', () => {
    expect(manifests.length).toBeGreaterThan(20);
    for (const manifest of manifests) {
      expect(() => validate(manifest)).not.toThrow();
      if (manifest.kind !== 'Namespace') expect(manifest.metadata.namespace).toBe('store-system');
    }
  });

  it('the schema check catches a broken manifest', () => {
    const broken = structuredClone(find('Deployment', 'order'));
    broken.spec.replicas = 'two';
    expect(() => validate(broken)).toThrow(/replicas must be integer/);
  });

  it.each(SERVICES)(
    '%s: at least two replicas, probes on the health paths, a pause before stopping',
    (service) => {
      const deployment = find('Deployment', service);
      // The autoscaler owns the replicas: an apply must not reset a scaled-out Deployment.
      expect(deployment.spec.replicas).toBeUndefined();
      expect(find('HorizontalPodAutoscaler', service).spec.minReplicas).toBeGreaterThanOrEqual(2);
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      const port = DEFAULT_PORTS[service];
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(container.env).toContainEqual({ name: 'PORT', value: String(port) });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/manage/health/liveness', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/manage/health/readiness', port: 'http' });
      expect(container.startupProbe.httpGet.path).toBe('/manage/health/liveness');
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });

      // The pod is given the pause plus the service's own graceful shutdown before it is killed.
      const pauseMs = Number(
        /setTimeout\(\(\) => \{\}, (\d+)\)/.exec(container.lifecycle.preStop.exec.command[2] as string)?.[1],
      );
      expect(pauseMs).toBeGreaterThan(0);
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(pauseMs + SHUTDOWN_GRACE_MS);
    },
  );

  it.each(SERVICES)('%s: never root, read-only root file system, no service-account token', (service) => {
    const pod = find('Deployment', service).spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it.each(SERVICES)(
    "%s: database (and the store's broker) from Secrets, the rest from the ConfigMap",
    (service) => {
      const [container] = find('Deployment', service).spec.template.spec.containers as {
        env: { name: string; valueFrom?: { secretKeyRef?: unknown } }[];
        envFrom: unknown;
      }[];
      const fromSecret = (name: string) =>
        container.env.find((variable) => variable.name === name)?.valueFrom?.secretKeyRef;
      expect(fromSecret('DATABASE_URL')).toEqual({
        name: 'store-system-databases',
        key: `${service}-database-url`,
      });
      // Only the store queues work (claims waiting for the warranty service) on RabbitMQ.
      if (service === 'store') {
        expect(fromSecret('AMQP_URL')).toEqual({ name: 'store-system-amqp', key: 'amqp-url' });
      } else {
        expect(container.env.some((variable) => variable.name === 'AMQP_URL')).toBe(false);
      }
      expect(container.envFrom).toEqual([{ configMapRef: { name: 'store-system-config' } }]);
      expect(manifests.some((manifest) => manifest.kind === 'Secret')).toBe(false);
    },
  );

  it('the ConfigMap holds only contract variables, with the Services as addresses', () => {
    const config = find('ConfigMap', 'store-system-config').data ?? {};
    expect(CONTRACT_VARIABLES).toEqual(expect.arrayContaining(Object.keys(config)));
    // Each Deployment's own (PORT) and the Secrets' (URLs with passwords) are not shared here.
    for (const own of ['PORT', 'DATABASE_URL', 'AMQP_URL']) expect(config).not.toHaveProperty(own);
    expect(config.ORDER_SERVICE_URL).toBe(`http://order:${DEFAULT_PORTS.order}`);
    expect(config.WAREHOUSE_SERVICE_URL).toBe(`http://warehouse:${DEFAULT_PORTS.warehouse}`);
    expect(config.WARRANTY_SERVICE_URL).toBe(`http://warranty:${DEFAULT_PORTS.warranty}`);
    expect(config.LOG_FORMAT).toBe('json');
  });

  it.each(SERVICES)('%s: scraped by Prometheus, disruptions leave one pod, scaled on CPU', (service) => {
    const annotations = find('Deployment', service).spec.template.metadata.annotations;
    expect(annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/manage/prometheus',
      'prometheus.io/port': String(DEFAULT_PORTS[service]),
    });
    expect(find('PodDisruptionBudget', service).spec).toEqual({
      minAvailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': service } },
    });
    const autoscaler = find('HorizontalPodAutoscaler', service).spec;
    expect(autoscaler.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: service });
    expect(autoscaler.minReplicas).toBeGreaterThanOrEqual(2);
    expect(autoscaler.metrics).toEqual([
      expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
    ]);
  });

  it("only the store's /api/ and its storefront are reachable from outside the cluster", () => {
    const ingresses = manifests.filter((manifest) => manifest.kind === 'Ingress');
    expect(ingresses).toHaveLength(1);
    const rules = ingresses[0].spec.rules as { http: { paths: unknown[] } }[];
    const paths = rules.flatMap((rule) => rule.http.paths);
    const store = { service: { name: 'store', port: { name: 'http' } } };
    expect(paths).toEqual([
      { path: '/api/', pathType: 'Prefix', backend: store },
      { path: '/', pathType: 'Exact', backend: store },
      { path: '/assets/', pathType: 'Prefix', backend: store },
    ]);
    for (const service of manifests.filter((manifest) => manifest.kind === 'Service')) {
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
    }
  });

  it('denies all traffic in by default', () => {
    expect(find('NetworkPolicy', 'default-deny-ingress').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
  });

  it.each(SERVICES)('%s: lets in only its callers (and Prometheus), on its port only', (service) => {
    const policy = find('NetworkPolicy', service).spec;
    expect(policy.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': service } });
    const rules = policy.ingress as {
      from: Record<string, { matchLabels: Record<string, string> }>[];
      ports: unknown[];
    }[];
    for (const rule of rules) expect(rule.ports).toEqual([{ port: DEFAULT_PORTS[service] }]);
    const sources = rules.flatMap((rule) => rule.from);
    // Pods and namespaces only: an ipBlock (say 0.0.0.0/0) would let the outside in.
    expect(sources.filter((source) => !source.podSelector && !source.namespaceSelector)).toEqual([]);
    const callerPods = sources
      .filter((source) => source.podSelector)
      .map((source) => source.podSelector.matchLabels['app.kubernetes.io/name'])
      .sort();
    expect(callerPods).toEqual(CALLERS[service]);
    const namespaces = sources
      .filter((source) => source.namespaceSelector)
      .map((source) => source.namespaceSelector.matchLabels);
    const expected: Record<string, string>[] = [{ 'store-system/monitoring': 'true' }];
    // The store alone takes traffic from the ingress controller.
    if (service === 'store') expected.unshift({ 'store-system/ingress': 'true' });
    expect(namespaces).toEqual(expected);
  });
});
