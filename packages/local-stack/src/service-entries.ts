// Which Platen services `npm start` runs: the built entry of each, skipping an optional service that
// is not built yet (or is still the empty placeholder module) instead of restarting it forever.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServiceEntry {
  name: string;
  entry: string;
}

const SERVICES = [
  { name: 'key-service', required: true },
  { name: 'gateway', required: true },
  { name: 'render-worker', required: false },
] as const;

/** An entry compiled from `export {};` alone does nothing and exits at once. */
function isRunnable(text: string): boolean {
  const code = text
    .split('\n')
    .filter((line) => !line.startsWith('//# sourceMappingURL='))
    .join('\n')
    .trim();
  return code !== '' && code !== 'export {};';
}

function readEntry(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function servicesToRun(repoRoot: string, log: (line: string) => void): ServiceEntry[] {
  const entries: ServiceEntry[] = [];
  for (const { name, required } of SERVICES) {
    const entry = join(repoRoot, 'services', name, 'dist', 'main.js');
    const text = readEntry(entry);
    if (text !== undefined && isRunnable(text)) entries.push({ name, entry });
    else if (required)
      throw new Error(
        `${entry} is ${text === undefined ? 'missing' : 'an empty placeholder'}: run npm run build`,
      );
    else log(`${name} is not built yet: not started`);
  }
  return entries;
}
