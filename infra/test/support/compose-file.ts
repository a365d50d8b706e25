// docker-compose.yml as docker compose sees it: YAML with merge keys (`<<`), then `${VAR}`
// interpolation from the project's .env, with compose's `$$` escape and its `:-`, `-`, `:?`, `?` forms.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | Record<string, unknown>>;
  volumes?: Array<string | Record<string, unknown>>;
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  container_name?: string;
  stop_grace_period?: string;
  deploy?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface VariableReference {
  name: string;
  /** `:-`/`-` default, `:?`/`?` required, or none. */
  form: 'default' | 'required' | 'plain';
}

const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Every `${VAR...}` / `$VAR` in the raw text, ignoring `$$` escapes (those are for the container's shell). */
export function variableReferences(text: string): VariableReference[] {
  const unescaped = text.replaceAll('$$', '');
  return [...unescaped.matchAll(REFERENCE)].map((match) => {
    const operator = match[2];
    const form = operator === undefined ? 'plain' : operator.endsWith('?') ? 'required' : 'default';
    return { name: match[1] ?? match[4] ?? '', form };
  });
}

/** One string with compose's interpolation rules; a missing `:?` variable throws, like compose does. */
export function interpolate(text: string, variables: Record<string, string>): string {
  return text
    .split('$$')
    .map((part) =>
      part.replace(
        REFERENCE,
        (
          _match,
          braced: string | undefined,
          operator: string | undefined,
          argument: string | undefined,
          bare: string | undefined,
        ) => {
          const name = braced ?? bare ?? '';
          const value = variables[name];
          const unset = value === undefined;
          const empty = unset || value === '';
          switch (operator) {
            case ':-':
              return empty ? (argument ?? '') : value;
            case '-':
              return unset ? (argument ?? '') : value;
            case ':?':
            case '?':
              if (operator === ':?' ? empty : unset)
                throw new Error(`required variable ${name} is missing: ${argument ?? ''}`);
              return value ?? '';
            default:
              return value ?? '';
          }
        },
      ),
    )
    .join('$');
}

function interpolateAll(node: unknown, variables: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, variables);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, variables));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, interpolateAll(value, variables)]),
    );
  }
  return node;
}

/** The compose file with merge keys resolved, and every string interpolated from `variables`. */
export function loadCompose(file: string, variables: Record<string, string>): ComposeFile {
  const raw: unknown = parse(readFileSync(file, 'utf8'), { merge: true });
  return interpolateAll(raw, variables) as ComposeFile;
}

/** A service's `environment`, in either of compose's two spellings, as strings. */
export function serviceEnvironment(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const [name = '', ...value] = entry.split('=');
        return [name, value.join('=')];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}

export function dependencies(service: ComposeService): Record<string, { condition?: string }> {
  const dependsOn = service.depends_on ?? {};
  return Array.isArray(dependsOn) ? Object.fromEntries(dependsOn.map((name) => [name, {}])) : dependsOn;
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
