// Kubernetes manifests as the tests see them: parsed YAML documents, checked against the Kubernetes and
// KEDA schemas (kubernetes-models), read either from the Kustomize base or as `kubectl kustomize` renders them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ScaledObject, TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { readEnvFile } from './env-file.js';
import { REPO_ROOT } from './paths.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** A manifest and where it came from, for messages. */
export interface Located {
  source: string;
  manifest: Manifest;
}

interface Validating {
  validate(): void;
}
type ModelClass = { apiVersion: string; kind: string } & (new (data: never) => Validating);

/** Every kind Platen deploys. A manifest of any other kind fails the tests until its schema is added here. */
const MODELS: ModelClass[] = [
  ConfigMap,
  Namespace,
  Service,
  Deployment,
  Job,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
  ScaledObject,
  TriggerAuthentication,
];

const modelFor = (manifest: Manifest) =>
  MODELS.find((model) => model.apiVersion === manifest.apiVersion && model.kind === manifest.kind);

/** The schema's verdict on one manifest: nothing, or what is wrong with it. */
export function schemaProblems({ source, manifest }: Located): string[] {
  const Model = modelFor(manifest);
  const name = `${source}: ${manifest.apiVersion}/${manifest.kind} ${manifest.metadata?.name ?? '(unnamed)'}`;
  if (!Model) return [`${name}: no schema known for this kind (add it to MODELS in ${__filename})`];
  try {
    new Model(manifest as never).validate();
    return [];
  } catch (error) {
    return [`${name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** Every YAML document of a file or a string; a syntax error throws, naming the source. */
export function parseManifests(text: string, source: string): Located[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) {
      throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    }
    const manifest = document.toJS() as Manifest | null;
    return manifest === null ? [] : [{ source, manifest }];
  });
}

export function readManifests(file: string): Located[] {
  return parseManifests(readFileSync(file, 'utf8'), relative(REPO_ROOT, file));
}

interface ConfigMapGenerator {
  name: string;
  behavior?: string;
  envs?: string[];
  literals?: string[];
}

export interface Kustomization {
  resources?: string[];
  configMapGenerator?: ConfigMapGenerator[];
  [field: string]: unknown;
}

export function readKustomization(dir: string): Kustomization {
  const [located] = readManifests(join(dir, 'kustomization.yaml'));
  if (!located) throw new Error(`${dir}/kustomization.yaml is empty`);
  return located.manifest;
}

/**
 * A Kustomize directory without overlays, read without kubectl: its resource files plus the
 * ConfigMaps its configMapGenerator makes (under their unhashed names, as the resources refer to them).
 */
export function readBase(dir: string): Located[] {
  const kustomization = readKustomization(dir);
  const resources = (kustomization.resources ?? []).flatMap((resource) => readManifests(join(dir, resource)));
  const generated = (kustomization.configMapGenerator ?? []).map((generator): Located => {
    const data: Record<string, string> = {};
    for (const envFile of generator.envs ?? []) {
      for (const [name, value] of Object.entries(readEnvFile(join(dir, envFile)))) {
        if (name in data) throw new Error(`${generator.name}: ${name} comes from two env files`);
        data[name] = value;
      }
    }
    for (const literal of generator.literals ?? []) {
      const [name = '', ...value] = literal.split('=');
      data[name] = value.join('=');
    }
    return {
      source: `${relative(REPO_ROOT, dir)}/kustomization.yaml (configMapGenerator)`,
      manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data },
    };
  });
  return [...resources, ...generated];
}

export type KubectlAvailability = { available: true } | { available: false; reason: string };

export function kubectlAvailability(): KubectlAvailability {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error) return { available: false, reason: `kubectl not runnable: ${result.error.message}` };
  if (result.status !== 0)
    return { available: false, reason: `kubectl version failed: ${result.stderr.trim()}` };
  return { available: true };
}

/** What `kubectl apply -k <dir>` would send: the overlay rendered by kubectl's built-in Kustomize. */
export function renderWithKubectl(dir: string): Located[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  return parseManifests(result.stdout, `kubectl kustomize ${relative(REPO_ROOT, dir)}`);
}

export function ofKind<T>(manifests: Located[], kind: string): Array<{ source: string; manifest: T }> {
  return manifests
    .filter(({ manifest }) => manifest.kind === kind)
    .map(({ source, manifest }) => ({ source, manifest: manifest as unknown as T }));
}
