// Reads KEY=VALUE files (.env.example, the Kustomize env files): one variable a line, `#` comments.
// No quoting or expansion: neither docker compose nor Kustomize would remove quotes the same way.
import { readFileSync } from 'node:fs';

export function parseEnvFile(text: string, source = 'env file'): Record<string, string> {
  const variables: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) throw new Error(`${source}:${index + 1}: not KEY=VALUE: ${line}`);
    const [, name = '', value = ''] = match;
    if (name in variables) throw new Error(`${source}:${index + 1}: ${name} is set twice`);
    variables[name] = value;
  });
  return variables;
}

export function readEnvFile(file: string): Record<string, string> {
  return parseEnvFile(readFileSync(file, 'utf8'), file);
}
