// A small reader for infra/docker/Dockerfile: instructions grouped by build stage, continuation lines
// joined, comments dropped, and `ARG` defaults substituted into FROM lines.
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line}`.trim());
    pending = '';
  }

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`unreadable FROM: ${line}`);
      const from = (match[1] ?? '').replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_m, a: string, b: string) => globalArgs[a ?? b] ?? '',
      );
      stages.push({ name: match[2] ?? String(stages.length), from, instructions: [] });
    } else if (stages.length === 0) {
      if (upper === 'ARG') {
        const [name = '', value = ''] = args.split('=');
        globalArgs[name] = value;
      }
    } else {
      stages.at(-1)?.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

export function readDockerfile(file: string): Stage[] {
  return parseDockerfile(readFileSync(file, 'utf8'));
}

/** A stage and the stages it is built FROM, nearest first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  let current = stages.find((stage) => stage.name === name);
  while (current) {
    chain.push(current);
    const parent = current.from;
    current = stages.find((stage) => stage.name === parent);
  }
  return chain;
}

/** The variables an image sets with ENV (`KEY=value` pairs), along its stage's lineage. */
export function imageEnv(stages: Stage[], target: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const stage of lineage(stages, target).reverse()) {
    for (const { keyword, args } of stage.instructions) {
      if (keyword !== 'ENV') continue;
      for (const pair of args.split(/\s+/)) {
        const [name = '', ...value] = pair.split('=');
        if (value.length === 0) throw new Error(`ENV ${args}: only KEY=value pairs are supported`);
        env[name] = value.join('=');
      }
    }
  }
  return env;
}
