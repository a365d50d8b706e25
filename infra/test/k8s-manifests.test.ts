// The Kubernetes manifests, checked without a cluster: every document against the Kubernetes and KEDA
// schemas, then the promises operators rely on, on the base and on the rendered production overlay.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { QUEUE_NAMES, waitListKey } from '@platen/queue';
import {
  configurationProblems,
  disruptionBudgetProblems,
  gatewayAutoscalingProblems,
  imageProblems,
  inventoryProblems,
  LONGEST_RENDER_SECONDS,
  networkPolicyProblems,
  probeProblems,
  releaseProblems,
  replicaOwnershipProblems,
  resourceProblems,
  securityProblems,
  terminationProblems,
  workerAutoscalingProblems,
  workerMemoryProblems,
} from './support/k8s-checks.js';
import {
  kubectlAvailability,
  readBase,
  readKustomization,
  readManifests,
  renderWithKubectl,
  schemaProblems,
  type Located,
  type Manifest,
} from './support/k8s-manifests.js';
import { K8S_BASE_DIR, K8S_DIR, K8S_PRODUCTION_DIR, REPO_ROOT } from './support/paths.js';
import { SECRET_STAND_INS, variablesRead, WORKER_DEFAULTS_KEPT } from './support/service-config.js';

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const clone = (manifests: Located[]): Located[] => structuredClone(manifests);

function find(manifests: Located[], kind: string, name: string): Manifest {
  const found = manifests.find(({ manifest }) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found.manifest;
}

interface PodSpecLike {
  spec: {
    template: {
      spec: {
        containers: Array<Record<string, unknown>>;
        securityContext: Record<string, unknown>;
        terminationGracePeriodSeconds?: number;
      };
    };
  };
}
const podOf = (manifest: Manifest) => (manifest as unknown as PodSpecLike).spec.template.spec;

const kubectl = kubectlAvailability();

describe('every Kubernetes manifest file', () => {
  const files = yamlFilesUnder(K8S_DIR);

  it('parses as YAML', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => readManifests(file)).not.toThrow();
  });

  it('is valid against the Kubernetes and KEDA schemas', () => {
    const manifests = files
      .filter((file) => !file.endsWith('kustomization.yaml'))
      .flatMap((file) => readManifests(file));
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
  });

  it('is part of the base: nothing in base/ is left out of its kustomization, nothing listed is missing', () => {
    const listed = (readKustomization(K8S_BASE_DIR).resources ?? []).map((resource) =>
      join(K8S_BASE_DIR, resource),
    );
    const present = yamlFilesUnder(K8S_BASE_DIR).filter((file) => !file.endsWith('kustomization.yaml'));
    expect(listed.map((f) => relative(REPO_ROOT, f)).sort()).toEqual(
      present.map((f) => relative(REPO_ROOT, f)).sort(),
    );
  });
});

describe('the schema validation', () => {
  const base = readBase(K8S_BASE_DIR);

  it('refuses a Deployment whose container has no name', () => {
    const broken = clone(base);
    delete podOf(find(broken, 'Deployment', 'gateway')).containers[0]?.name;
    expect(broken.flatMap(schemaProblems).join('\n')).toMatch(
      /containers\/0 must have required property name/,
    );
  });

  it('refuses a KEDA trigger whose listLength is a number instead of a string', () => {
    const broken = clone(base);
    const scaled = find(broken, 'ScaledObject', 'render-worker') as unknown as {
      spec: { triggers: Array<{ metadata: Record<string, unknown> }> };
    };
    scaled.spec.triggers[0]!.metadata.listLength = 10;
    expect(broken.flatMap(schemaProblems).join('\n')).toMatch(/listLength must be string/);
  });

  it('refuses a kind it has no schema for', () => {
    const unknown: Located = {
      source: 'test',
      manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray' } },
    };
    expect(schemaProblems(unknown)).toEqual([expect.stringMatching(/no schema known for this kind/)]);
  });
});

type View = [label: string, load: () => Located[]];
const views: View[] = [['the Kustomize base', () => readBase(K8S_BASE_DIR)]];
if (kubectl.available) {
  views.push(['the production overlay (kubectl kustomize)', () => renderWithKubectl(K8S_PRODUCTION_DIR)]);
}

describe.each(views)('%s', (_label, load) => {
  let manifests: Located[];
  beforeAll(() => {
    manifests = load();
  });

  it('validates against the Kubernetes and KEDA schemas, generated ConfigMaps included', () => {
    expect(manifests.flatMap(schemaProblems)).toEqual([]);
  });

  it('deploys the gateway, the key-service and the render-worker once each, and a migration Job', () => {
    expect(inventoryProblems(manifests)).toEqual([]);
  });

  it('runs each process from its own image (the migration from the key-service image)', () => {
    expect(imageProblems(manifests)).toEqual([]);
  });

  it('runs every container as a non-root user with a read-only root filesystem and no capabilities', () => {
    expect(securityProblems(manifests)).toEqual([]);
  });

  it('probes readiness on /readyz and liveness on /healthz (the worker: /healthz on its metrics port)', () => {
    expect(probeProblems(manifests)).toEqual([]);
  });

  it('sets CPU and memory requests and limits on every container', () => {
    expect(resourceProblems(manifests)).toEqual([]);
  });

  it('gives the render worker the memory its slots and artwork cache need', () => {
    expect(workerMemoryProblems(manifests)).toEqual([]);
  });

  it('protects every Deployment with a PodDisruptionBudget that still lets nodes drain', () => {
    expect(disruptionBudgetProblems(manifests)).toEqual([]);
  });

  it('gives every container exactly the variables its config schema reads, and a config it accepts', () => {
    expect(configurationProblems(manifests)).toEqual([]);
  });

  it('lets only the processes configured to call the key-service reach it', () => {
    expect(networkPolicyProblems(manifests)).toEqual([]);
  });

  it('scales the gateway on CPU from at least two replicas', () => {
    expect(gatewayAutoscalingProblems(manifests)).toEqual([]);
  });

  it('scales render workers with KEDA on the BullMQ wait list of the renders queue', () => {
    expect(workerAutoscalingProblems(manifests)).toEqual([]);
  });

  it('leaves replica counts to the autoscalers', () => {
    expect(replicaOwnershipProblems(manifests)).toEqual([]);
  });

  it(`gives a stopping render worker longer than the longest render (${LONGEST_RENDER_SECONDS} s)`, () => {
    expect(terminationProblems(manifests)).toEqual([]);
  });
});

if (kubectl.available) {
  describe('the production overlay', () => {
    it('pins every image to a tag and puts everything in the platen namespace', () => {
      expect(releaseProblems(renderWithKubectl(K8S_PRODUCTION_DIR), 'platen')).toEqual([]);
    });
  });
} else {
  describe('the production overlay', () => {
    it.skip(`is rendered and checked with kubectl kustomize (skipped: ${kubectl.reason})`, () => undefined);
  });
}

describe('the checks themselves catch a broken manifest', () => {
  const base = readBase(K8S_BASE_DIR);

  it('a container without a readiness probe', () => {
    const broken = clone(base);
    delete podOf(find(broken, 'Deployment', 'key-service')).containers[0]?.readinessProbe;
    expect(probeProblems(broken)).toEqual([
      expect.stringMatching(/key-service\/key-service: no readiness probe/),
    ]);
  });

  it('a container that may run as root', () => {
    const broken = clone(base);
    podOf(find(broken, 'Deployment', 'render-worker')).securityContext.runAsUser = 0;
    expect(securityProblems(broken)).toEqual([expect.stringMatching(/render-worker: runs as user 0/)]);
  });

  it('a container without a memory limit', () => {
    const broken = clone(base);
    const container = podOf(find(broken, 'Deployment', 'gateway')).containers[0] as {
      resources: { limits: Record<string, string> };
    };
    delete container.resources.limits.memory;
    expect(resourceProblems(broken)).toEqual([expect.stringMatching(/gateway\/gateway: no memory limit/)]);
  });

  it('a render worker whose artwork cache grew without its memory', () => {
    const broken = clone(base);
    const config = find(broken, 'ConfigMap', 'render-worker-config') as unknown as {
      data: Record<string, string>;
    };
    config.data.ARTWORK_CACHE_BYTES = String(1024 ** 3);
    expect(workerMemoryProblems(broken)).toEqual([
      expect.stringMatching(/render-worker\/render-worker: memory request below the 2114Mi its config needs/),
      expect.stringMatching(/render-worker\/render-worker: memory limit below the 2614Mi its config needs/),
    ]);
  });

  it('a render worker whose warped-layer cache grew without its memory', () => {
    const broken = clone(base);
    const config = find(broken, 'ConfigMap', 'render-worker-config') as unknown as {
      data: Record<string, string>;
    };
    config.data.WARPED_LAYER_CACHE_BYTES = String(512 * 1024 ** 2);
    expect(workerMemoryProblems(broken)).toEqual([
      expect.stringMatching(/render-worker\/render-worker: memory request below the 1730Mi its config needs/),
      expect.stringMatching(/render-worker\/render-worker: memory limit below the 2230Mi its config needs/),
    ]);
  });

  it('a render worker left at default slots and cache, and a worker variable nobody chose for', () => {
    const broken = clone(base);
    const config = find(broken, 'ConfigMap', 'render-worker-config') as unknown as {
      data: Record<string, string>;
    };
    delete config.data.ARTWORK_CACHE_BYTES;
    delete config.data.WARPED_LAYER_CACHE_BYTES;
    delete config.data.WORKER_ACCOUNT_JOBS;
    const problems = configurationProblems(broken).join('\n');
    expect(problems).toMatch(/ARTWORK_CACHE_BYTES is left at its default/);
    expect(problems).toMatch(/WARPED_LAYER_CACHE_BYTES is left at its default/);
    expect(problems).toMatch(/WORKER_ACCOUNT_JOBS is left at its default/);
  });

  it('a default kept on purpose for a variable the worker does not read', () => {
    const read = variablesRead('render-worker');
    expect(Object.keys(WORKER_DEFAULTS_KEPT).filter((name) => !read.includes(name))).toEqual([]);
  });

  it('a variable the service does not read, and a required one missing', () => {
    const broken = clone(base);
    const container = podOf(find(broken, 'Deployment', 'key-service')).containers[0] as {
      env: Array<{ name: string; value?: string }>;
    };
    container.env = container.env.filter(({ name }) => name !== 'DATABASE_URL');
    container.env.push({ name: 'S3_BUCKET', value: 'stray' });
    const problems = configurationProblems(broken).join('\n');
    expect(problems).toMatch(/S3_BUCKET is set but key-service does not read it/);
    expect(problems).toMatch(/key-service refuses its config: DATABASE_URL/);
  });

  it('a KEDA trigger watching a list BullMQ does not use', () => {
    const broken = clone(base);
    const scaled = find(broken, 'ScaledObject', 'render-worker') as unknown as {
      spec: { triggers: Array<{ metadata: Record<string, string> }> };
    };
    scaled.spec.triggers[0]!.metadata.listName = 'bull:renders:wait';
    expect(workerAutoscalingProblems(broken)).toEqual([
      expect.stringContaining(`is not ${waitListKey('platen', QUEUE_NAMES.renders)}`),
    ]);
  });

  it('a NetworkPolicy that admits other namespaces, or no longer admits the render-worker', () => {
    const widened = clone(base);
    const policy = find(widened, 'NetworkPolicy', 'key-service') as unknown as {
      spec: { ingress: Array<{ from: Array<Record<string, unknown>> }> };
    };
    policy.spec.ingress[0]!.from.push({ namespaceSelector: {} });
    expect(networkPolicyProblems(widened)).toEqual([expect.stringMatching(/not a pod of this namespace/)]);

    const narrowed = clone(base);
    const narrowedPolicy = find(narrowed, 'NetworkPolicy', 'key-service') as unknown as {
      spec: { ingress: Array<{ from: Array<Record<string, unknown>> }> };
    };
    narrowedPolicy.spec.ingress[0]!.from = narrowedPolicy.spec.ingress[0]!.from.slice(0, 1);
    expect(networkPolicyProblems(narrowed)).toEqual([
      expect.stringMatching(/render-worker calls the key-service \(KEY_SERVICE_URL\) but is not admitted/),
    ]);
  });

  it('a worker killed before its longest render could finish', () => {
    const broken = clone(base);
    podOf(find(broken, 'Deployment', 'render-worker')).terminationGracePeriodSeconds = 30;
    expect(terminationProblems(broken)).toHaveLength(1);
  });

  it('an image without a pinned tag in a release', () => {
    const broken = clone(base).map(({ source, manifest }) => ({
      source,
      manifest: { ...manifest, metadata: { ...manifest.metadata, namespace: 'platen' } },
    }));
    expect(releaseProblems(broken, 'platen')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/gateway\/gateway image platen\/gateway has no pinned tag/),
      ]),
    );
  });
});

describe('infra/k8s/README.md', () => {
  const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');

  it('tells operators every key of the Secret the manifests read', () => {
    const missing = Object.keys(SECRET_STAND_INS).filter((key) => !readme.includes(key));
    expect(missing).toEqual([]);
  });

  it('names the exact Redis list KEDA watches', () => {
    expect(readme).toContain(waitListKey('platen', QUEUE_NAMES.renders));
  });
});
