// The promises Platen's Kubernetes manifests keep, each as a check that lists what breaks it (empty
// when kept). The same checks run on the Kustomize base and on the rendered production overlay.
import type { IScaledObject, ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { parseEnv, renderWorkerConfigSchema, type RenderWorkerConfig } from '@platen/config';
import { OUTBOUND_DEFAULTS } from '@platen/outbound';
import { QUEUE_NAMES, waitListKey } from '@platen/queue';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IConfigMap, IContainer, IPodSpec, IProbe } from 'kubernetes-models/v1';
import { ofKind, type Located } from './k8s-manifests.js';
import { configProblems, reads, SECRET_STAND_INS, type ProcessName } from './service-config.js';

export const SECRET_NAME = 'platen-secrets';
export const DEPLOYMENTS = ['gateway', 'key-service', 'render-worker'] as const;
type DeploymentName = (typeof DEPLOYMENTS)[number];

/** Compositing, encoding and the upload of a large render, on top of the artwork fetch's own deadline. */
export const RENDER_WORK_SECONDS = 15;
/** The longest a render can take: the outbound client's total deadline for the artwork, then the work. */
export const LONGEST_RENDER_SECONDS = OUTBOUND_DEFAULTS.totalTimeoutMs / 1000 + RENDER_WORK_SECONDS;

const PROBE_PATHS: Record<DeploymentName, { readiness: string; liveness: string }> = {
  gateway: { readiness: '/readyz', liveness: '/healthz' },
  'key-service': { readiness: '/readyz', liveness: '/healthz' },
  // The worker serves only /healthz and /metrics (services/render-worker/src/metrics-server.ts).
  'render-worker': { readiness: '/healthz', liveness: '/healthz' },
};

interface Workload {
  source: string;
  name: string;
  processName: ProcessName;
  podLabels: Record<string, string>;
  pod: IPodSpec;
}

const deployments = (manifests: Located[]) => ofKind<IDeployment>(manifests, 'Deployment');

function workloads(manifests: Located[]): Workload[] {
  const fromDeployments = deployments(manifests).map(({ source, manifest }) => ({
    source,
    name: manifest.metadata?.name ?? '',
    processName: (manifest.metadata?.name ?? '') as ProcessName,
    podLabels: manifest.spec?.template.metadata?.labels ?? {},
    pod: manifest.spec?.template.spec ?? { containers: [] },
  }));
  const fromJobs = ofKind<IJob>(manifests, 'Job').map(({ source, manifest }) => ({
    source,
    name: manifest.metadata?.name ?? '',
    processName: 'migrate' as const,
    podLabels: manifest.spec?.template.metadata?.labels ?? {},
    pod: manifest.spec?.template.spec ?? { containers: [] },
  }));
  return [...fromDeployments, ...fromJobs];
}

const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  selector !== undefined &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** The three services, once each, and the migration Job. */
export function inventoryProblems(manifests: Located[]): string[] {
  const names = deployments(manifests).map(({ manifest }) => manifest.metadata?.name ?? '');
  const problems = DEPLOYMENTS.filter((name) => names.filter((found) => found === name).length !== 1).map(
    (name) =>
      `expected exactly one Deployment named ${name}, found ${names.filter((n) => n === name).length}`,
  );
  problems.push(
    ...names
      .filter((name) => !(DEPLOYMENTS as readonly string[]).includes(name))
      .map((n) => `unexpected Deployment ${n}`),
  );
  const jobs = ofKind<IJob>(manifests, 'Job');
  if (jobs.length !== 1) problems.push(`expected one migration Job, found ${jobs.length}`);
  for (const { source, manifest } of jobs) {
    const args = [
      ...(manifest.spec?.template.spec?.containers[0]?.command ?? []),
      ...(manifest.spec?.template.spec?.containers[0]?.args ?? []),
    ];
    if (!args.join(' ').endsWith('services/key-service/dist/cli.js migrate')) {
      problems.push(
        `${source}: the Job must run the CLI's migrate command, runs: ${args.join(' ') || '(image default)'}`,
      );
    }
  }
  return problems;
}

/** Each workload runs the image built for it: the migration runs the key-service image (it holds the CLI). */
export function imageProblems(manifests: Located[]): string[] {
  return workloads(manifests).flatMap(({ source, name, processName, pod }) => {
    const image = processName === 'migrate' ? 'key-service' : name;
    return pod.containers
      .filter((container) => !new RegExp(`(^|/)platen/${image}(:[\\w.-]+)?$`).test(container.image ?? ''))
      .map(
        (container) =>
          `${source}: ${name}/${container.name} runs ${container.image ?? 'no image'}, not platen/${image}`,
      );
  });
}

/** Not root, no privilege escalation, read-only root filesystem, no capabilities, no API token. */
export function securityProblems(manifests: Located[]): string[] {
  return workloads(manifests).flatMap(({ source, name, pod }) => {
    const problems: string[] = [];
    const where = `${source}: ${name}`;
    if (pod.securityContext?.runAsNonRoot !== true)
      problems.push(`${where}: pod securityContext.runAsNonRoot is not true`);
    if (pod.automountServiceAccountToken !== false)
      problems.push(`${where}: automountServiceAccountToken is not false`);
    for (const container of pod.containers) {
      const context = container.securityContext ?? {};
      const at = `${where}/${container.name}`;
      const user = context.runAsUser ?? pod.securityContext?.runAsUser;
      if (user === undefined || user === 0)
        problems.push(`${at}: runs as user ${user ?? '(image default)'}, not a fixed non-zero uid`);
      if (context.allowPrivilegeEscalation !== false)
        problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (context.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
      if (!context.capabilities?.drop?.includes('ALL')) problems.push(`${at}: capabilities do not drop ALL`);
    }
    return problems;
  });
}

function probeProblem(
  where: string,
  kind: string,
  probe: IProbe | undefined,
  path: string,
  container: IContainer,
): string[] {
  if (!probe) return [`${where}: no ${kind} probe`];
  if (!probe.httpGet) return [`${where}: ${kind} probe is not an HTTP GET of ${path}`];
  const problems: string[] = [];
  if (probe.httpGet.path !== path)
    problems.push(`${where}: ${kind} probe asks ${probe.httpGet.path ?? '/'}, not ${path}`);
  const declared = (container.ports ?? []).some(
    (port) => port.name === probe.httpGet?.port || port.containerPort === probe.httpGet?.port,
  );
  if (!declared)
    problems.push(
      `${where}: ${kind} probe port ${String(probe.httpGet.port)} is not a declared container port`,
    );
  return problems;
}

/** Readiness on /readyz (the worker has only /healthz), liveness on /healthz, on a declared port. */
export function probeProblems(manifests: Located[]): string[] {
  return deployments(manifests).flatMap(({ source, manifest }) => {
    const name = (manifest.metadata?.name ?? '') as DeploymentName;
    const paths = PROBE_PATHS[name];
    if (!paths) return [];
    return (manifest.spec?.template.spec?.containers ?? []).flatMap((container) => {
      const where = `${source}: ${name}/${container.name}`;
      return [
        ...probeProblem(where, 'readiness', container.readinessProbe, paths.readiness, container),
        ...probeProblem(where, 'liveness', container.livenessProbe, paths.liveness, container),
      ];
    });
  });
}

const UNITS: Record<string, number> = {
  m: 1e-3,
  '': 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** A Kubernetes quantity (`250m`, `1`, `512Mi`) as a number, or NaN if it is not one we use. */
export function quantity(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(value ?? '');
  return match ? Number(match[1]) * (UNITS[match[2] ?? ''] ?? Number.NaN) : Number.NaN;
}

/** CPU and memory requests and limits on every container, each request within its limit. */
export function resourceProblems(manifests: Located[]): string[] {
  return workloads(manifests).flatMap(({ source, name, pod }) =>
    pod.containers.flatMap((container) =>
      (['cpu', 'memory'] as const).flatMap((resource) => {
        const at = `${source}: ${name}/${container.name}`;
        const request = quantity(container.resources?.requests?.[resource]);
        const limit = quantity(container.resources?.limits?.[resource]);
        if (Number.isNaN(request)) return [`${at}: no ${resource} request`];
        if (Number.isNaN(limit)) return [`${at}: no ${resource} limit`];
        return request > limit ? [`${at}: ${resource} request exceeds its limit`] : [];
      }),
    ),
  );
}

/** The fewest replicas a Deployment can have: the autoscaler's minimum, or its fixed replicas. */
function minimumReplicas(manifests: Located[], name: string): number {
  const hpa = ofKind<IHorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler').find(
    ({ manifest }) => manifest.spec?.scaleTargetRef.name === name,
  );
  const scaled = ofKind<IScaledObject>(manifests, 'ScaledObject').find(
    ({ manifest }) => manifest.spec.scaleTargetRef.name === name,
  );
  const deployment = deployments(manifests).find(({ manifest }) => manifest.metadata?.name === name);
  return (
    hpa?.manifest.spec?.minReplicas ??
    scaled?.manifest.spec.minReplicaCount ??
    deployment?.manifest.spec?.replicas ??
    1
  );
}

/** Each Deployment has a PodDisruptionBudget that selects its pods and still lets a node drain. */
export function disruptionBudgetProblems(manifests: Located[]): string[] {
  const budgets = ofKind<IPodDisruptionBudget>(manifests, 'PodDisruptionBudget');
  return deployments(manifests).flatMap(({ source, manifest }) => {
    const name = manifest.metadata?.name ?? '';
    const labels = manifest.spec?.template.metadata?.labels ?? {};
    const budget = budgets.find(({ manifest: pdb }) => selects(pdb.spec?.selector?.matchLabels, labels));
    if (!budget) return [`${source}: no PodDisruptionBudget selects the ${name} pods`];
    const minAvailable = budget.manifest.spec?.minAvailable;
    if (typeof minAvailable === 'number' && minAvailable >= minimumReplicas(manifests, name)) {
      return [`${budget.source}: minAvailable ${minAvailable} would block every drain of ${name}`];
    }
    return [];
  });
}

/** A container's environment: its ConfigMaps, literal values, and Secret keys (as stand-in values). */
export function containerEnv(manifests: Located[], container: IContainer, where: string) {
  const configMaps = ofKind<IConfigMap>(manifests, 'ConfigMap');
  const env: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = configMaps.find(({ manifest }) => manifest.metadata?.name === name);
    if (!configMap)
      problems.push(`${where}: envFrom names ConfigMap ${name ?? '(none)'}, which is not deployed`);
    else Object.assign(env, configMap.manifest.data ?? {});
    if (source.secretRef) problems.push(`${where}: envFrom a whole Secret hides which variables it sets`);
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (secret) {
      if (secret.name !== SECRET_NAME)
        problems.push(
          `${where}: ${variable.name} comes from Secret ${secret.name ?? ''}, not ${SECRET_NAME}`,
        );
      const standIn = SECRET_STAND_INS[secret.key];
      if (standIn === undefined)
        problems.push(
          `${where}: ${variable.name} reads Secret key ${secret.key}, which the README does not list`,
        );
      else env[variable.name] = standIn;
    } else problems.push(`${where}: ${variable.name} has neither a value nor a Secret key`);
  }
  return { env, problems };
}

/** Every container gets exactly the variables its process reads, and a config its schema accepts. */
export function configurationProblems(manifests: Located[]): string[] {
  return workloads(manifests).flatMap(({ source, name, processName, pod }) =>
    pod.containers.flatMap((container) => {
      const where = `${source}: ${name}/${container.name}`;
      const { env, problems } = containerEnv(manifests, container, where);
      return [...problems, ...configProblems(processName, env, where)];
    }),
  );
}

/** Only the processes configured to call the key-service may reach it, on its port and nothing else. */
export function networkPolicyProblems(manifests: Located[]): string[] {
  const keyService = deployments(manifests).find(({ manifest }) => manifest.metadata?.name === 'key-service');
  const keyServiceLabels = keyService?.manifest.spec?.template.metadata?.labels ?? {};
  const port = keyService?.manifest.spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort;
  const policies = ofKind<INetworkPolicy>(manifests, 'NetworkPolicy').filter(({ manifest }) =>
    selects(manifest.spec?.podSelector.matchLabels, keyServiceLabels),
  );
  if (policies.length !== 1)
    return [`expected one NetworkPolicy selecting the key-service pods, found ${policies.length}`];
  const [{ source, manifest: policy }] = policies as [(typeof policies)[number]];
  const problems: string[] = [];
  if (!policy.spec?.policyTypes?.includes('Ingress')) problems.push(`${source}: policyTypes lacks Ingress`);
  const callers = deployments(manifests)
    .filter(({ manifest }) => manifest.metadata?.name !== 'key-service')
    .filter(({ manifest }) => reads(manifest.metadata?.name as ProcessName, 'KEY_SERVICE_URL'));
  const allowed = new Set<string>();
  for (const rule of policy.spec?.ingress ?? []) {
    const ports = (rule.ports ?? []).map((p) => p.port);
    if (ports.length !== 1 || ports[0] !== port)
      problems.push(`${source}: a rule opens ports ${JSON.stringify(ports)}, not only ${port ?? '?'}`);
    if ((rule.from ?? []).length === 0) problems.push(`${source}: a rule admits every source`);
    for (const peer of rule.from ?? []) {
      if (peer.ipBlock || peer.namespaceSelector || !peer.podSelector) {
        problems.push(`${source}: a rule admits a peer that is not a pod of this namespace`);
        continue;
      }
      const matched = deployments(manifests).filter(({ manifest }) =>
        selects(peer.podSelector?.matchLabels, manifest.spec?.template.metadata?.labels ?? {}),
      );
      if (matched.length === 0)
        problems.push(`${source}: peer ${JSON.stringify(peer.podSelector)} matches no Deployment`);
      for (const { manifest } of matched) allowed.add(manifest.metadata?.name ?? '');
    }
  }
  for (const name of allowed) {
    if (!callers.some(({ manifest }) => manifest.metadata?.name === name)) {
      problems.push(`${source}: admits ${name}, which is not configured to call the key-service`);
    }
  }
  for (const { manifest } of callers) {
    if (!allowed.has(manifest.metadata?.name ?? '')) {
      problems.push(
        `${source}: ${manifest.metadata?.name ?? ''} calls the key-service (KEY_SERVICE_URL) but is not admitted`,
      );
    }
  }
  return problems;
}

/** The gateway scales on CPU (against its CPU request); nobody else fights the autoscalers over replicas. */
export function gatewayAutoscalingProblems(manifests: Located[]): string[] {
  const hpas = ofKind<IHorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler');
  const gatewayHpa = hpas.find(({ manifest }) => manifest.spec?.scaleTargetRef.name === 'gateway');
  if (!gatewayHpa) return ['no HorizontalPodAutoscaler targets the gateway'];
  const { source, manifest } = gatewayHpa;
  const spec = manifest.spec;
  const problems: string[] = [];
  if (spec?.scaleTargetRef.kind !== 'Deployment')
    problems.push(`${source}: targets a ${spec?.scaleTargetRef.kind ?? '?'}, not the Deployment`);
  const cpu = spec?.metrics?.find((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu');
  if (!cpu?.resource?.target.averageUtilization) problems.push(`${source}: no CPU utilisation target`);
  if ((spec?.minReplicas ?? 1) < 2) problems.push(`${source}: fewer than 2 gateways at minimum`);
  if ((spec?.minReplicas ?? 1) > (spec?.maxReplicas ?? 0))
    problems.push(`${source}: minReplicas above maxReplicas`);
  const gateway = deployments(manifests).find(({ manifest: d }) => d.metadata?.name === 'gateway');
  if (gateway?.manifest.spec?.template.spec?.containers.some((c) => !c.resources?.requests?.cpu)) {
    problems.push(`${gateway.source}: CPU utilisation needs a CPU request on every gateway container`);
  }
  return problems;
}

/** Deployments whose replica count an autoscaler owns must not set it, or every apply resets it. */
export function replicaOwnershipProblems(manifests: Located[]): string[] {
  const owned = new Set([
    ...ofKind<IHorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler').map(
      ({ manifest }) => manifest.spec?.scaleTargetRef.name,
    ),
    ...ofKind<IScaledObject>(manifests, 'ScaledObject').map(
      ({ manifest }) => manifest.spec.scaleTargetRef.name,
    ),
  ]);
  return deployments(manifests)
    .filter(({ manifest }) => owned.has(manifest.metadata?.name) && manifest.spec?.replicas !== undefined)
    .map(
      ({ source, manifest }) =>
        `${source}: ${manifest.metadata?.name ?? ''} sets replicas although an autoscaler owns them`,
    );
}

/** KEDA scales the workers on the exact Redis list BullMQ keeps waiting renders in. */
export function workerAutoscalingProblems(manifests: Located[]): string[] {
  const scaledObjects = ofKind<IScaledObject>(manifests, 'ScaledObject').filter(
    ({ manifest }) => manifest.spec.scaleTargetRef.name === 'render-worker',
  );
  if (scaledObjects.length !== 1)
    return [`expected one ScaledObject for render-worker, found ${scaledObjects.length}`];
  const [{ source, manifest }] = scaledObjects as [(typeof scaledObjects)[number]];
  const { spec } = manifest;
  const problems: string[] = [];
  const worker = deployments(manifests).find(({ manifest: d }) => d.metadata?.name === 'render-worker');
  const container = worker?.manifest.spec?.template.spec?.containers[0];
  const { env } = container
    ? containerEnv(manifests, container, source)
    : { env: {} as Record<string, string> };
  const expectedList = waitListKey(env.REDIS_PREFIX ?? 'platen', QUEUE_NAMES.renders);
  const redisTriggers = spec.triggers.filter((trigger) => trigger.type === 'redis');
  if (redisTriggers.length !== 1)
    problems.push(`${source}: expected one redis trigger, found ${redisTriggers.length}`);
  for (const trigger of redisTriggers) {
    const { listName, listLength, address } = trigger.metadata;
    if (listName !== expectedList)
      problems.push(`${source}: listName ${listName ?? '(none)'} is not ${expectedList}`);
    if (!/^[1-9]\d*$/.test(listLength ?? ''))
      problems.push(`${source}: listLength ${listLength ?? '(none)'} is not a positive integer`);
    if (!/^[\w.-]+:\d+$/.test(address ?? ''))
      problems.push(`${source}: address ${address ?? '(none)'} is not host:port`);
    const authName = trigger.authenticationRef?.name;
    const auth = ofKind<ITriggerAuthentication>(manifests, 'TriggerAuthentication').find(
      ({ manifest: a }) => a.metadata?.name === authName,
    );
    if (authName && !auth) problems.push(`${source}: authenticationRef ${authName} is not deployed`);
    for (const ref of auth?.manifest.spec?.secretTargetRef ?? []) {
      if (ref.name !== SECRET_NAME || SECRET_STAND_INS[ref.key] === undefined) {
        problems.push(
          `${auth?.source ?? source}: ${ref.parameter} comes from ${ref.name}/${ref.key}, not a documented key of ${SECRET_NAME}`,
        );
      }
    }
  }
  const min = spec.minReplicaCount;
  const max = spec.maxReplicaCount;
  if (min === undefined || max === undefined)
    problems.push(`${source}: minReplicaCount and maxReplicaCount must both be set`);
  else if (min > max) problems.push(`${source}: minReplicaCount above maxReplicaCount`);
  if (spec.cooldownPeriod === undefined) problems.push(`${source}: no cooldownPeriod`);
  return problems;
}

/** A worker being stopped is given longer than the longest render before it is killed. */
export function terminationProblems(manifests: Located[]): string[] {
  const worker = deployments(manifests).find(({ manifest }) => manifest.metadata?.name === 'render-worker');
  const grace = worker?.manifest.spec?.template.spec?.terminationGracePeriodSeconds ?? 30;
  return grace > LONGEST_RENDER_SECONDS
    ? []
    : [
        `${worker?.source ?? 'render-worker'}: terminationGracePeriodSeconds ${grace} is not above the longest render (${LONGEST_RENDER_SECONDS} s)`,
      ];
}

const MiB = 1024 ** 2;

/**
 * The render-worker's memory rule (infra/k8s/README.md): Node ~150 MiB, prepared templates up to
 * 512 MiB (TEMPLATE_CACHE_BYTES in render-service.ts), the artwork and warped-layer caches, and per compose slot a
 * render in flight: ~150 MiB for a 2000 px render (the request), 400 MiB for an artwork at the
 * 100-megapixel decode cap (the limit).
 */
export function workerMemoryNeeds(
  config: Pick<RenderWorkerConfig, 'ARTWORK_CACHE_BYTES' | 'WARPED_LAYER_CACHE_BYTES' | 'WORKER_CONCURRENCY'>,
): { request: number; limit: number } {
  const fixed = 150 * MiB + 512 * MiB + config.ARTWORK_CACHE_BYTES + config.WARPED_LAYER_CACHE_BYTES;
  return {
    request: fixed + config.WORKER_CONCURRENCY * 150 * MiB,
    limit: fixed + config.WORKER_CONCURRENCY * 400 * MiB,
  };
}

/** The render-worker's memory request and limit hold what its config (slots, artwork and warped-layer caches) needs. */
export function workerMemoryProblems(manifests: Located[]): string[] {
  return workloads(manifests)
    .filter(({ processName }) => processName === 'render-worker')
    .flatMap(({ source, name, pod }) =>
      pod.containers.flatMap((container) => {
        const where = `${source}: ${name}/${container.name}`;
        let config: RenderWorkerConfig;
        try {
          config = parseEnv(renderWorkerConfigSchema, containerEnv(manifests, container, where).env);
        } catch {
          return [`${where}: no config to size memory from`];
        }
        const needs = workerMemoryNeeds(config);
        return (['request', 'limit'] as const).flatMap((kind) => {
          const given = quantity(container.resources?.[kind === 'request' ? 'requests' : 'limits']?.memory);
          const needed = Math.ceil(needs[kind] / MiB);
          return given >= needs[kind]
            ? []
            : [`${where}: memory ${kind} below the ${needed}Mi its config needs (infra/k8s/README.md)`];
        });
      }),
    );
}

/** What `kubectl apply` of a release must pin: image tags, and one namespace for everything. */
export function releaseProblems(manifests: Located[], namespace: string): string[] {
  const problems = workloads(manifests).flatMap(({ source, name, pod }) =>
    pod.containers
      .filter(
        (container) =>
          !/:[\w.-]+$/.test(container.image ?? '') || (container.image ?? '').endsWith(':latest'),
      )
      .map(
        (container) =>
          `${source}: ${name}/${container.name} image ${container.image ?? ''} has no pinned tag`,
      ),
  );
  for (const { source, manifest } of manifests) {
    if (manifest.kind !== 'Namespace' && manifest.metadata.namespace !== namespace) {
      problems.push(`${source}: ${manifest.kind} ${manifest.metadata.name} is not in namespace ${namespace}`);
    }
  }
  return problems;
}
