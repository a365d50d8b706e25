// Where the deployment files live, so every suite reads the same ones.
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const DOCKER_DIR = resolve(REPO_ROOT, 'infra/docker');
export const K8S_DIR = resolve(REPO_ROOT, 'infra/k8s');
export const K8S_BASE_DIR = resolve(K8S_DIR, 'base');
export const K8S_PRODUCTION_DIR = resolve(K8S_DIR, 'overlays/production');
export const DOCKERFILE = resolve(DOCKER_DIR, 'Dockerfile');
export const BUNDLE_SCRIPT = resolve(DOCKER_DIR, 'bundle.mjs');
export const COMPOSE_FILE = resolve(REPO_ROOT, 'docker-compose.yml');
export const ENV_EXAMPLE = resolve(REPO_ROOT, '.env.example');
export const DOCKERIGNORE = resolve(REPO_ROOT, '.dockerignore');
