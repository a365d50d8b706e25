// Writes one "## <name>" section of infra/bench/RESULTS.md (the gateway's, the load test's...);
// every other section is kept as it is.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export const GATEWAY_SECTION = '## Gateway';

const HEADER = `# Benchmark results

One section per benchmark, each written by its script (\`npm run bench:<name>\`); numbers depend on
the machine and its load, which each section records.
`;

export function writeGatewaySection(path, body) {
  return writeSection(path, GATEWAY_SECTION, body);
}

/** Replaces the section under `heading` (a "## ..." line) with `body`, or appends it. */
export async function writeSection(path, heading, body) {
  const text = existsSync(path) ? await readFile(path, 'utf8') : HEADER;
  const lines = text.replace(/\s+$/, '').split('\n');
  const start = lines.findIndex((line) => line === heading);
  const section = [heading, '', ...body.trim().split('\n')];
  let out;
  if (start === -1) {
    out = [...lines, '', ...section];
  } else {
    const rest = lines.slice(start + 1);
    const next = rest.findIndex((line) => line.startsWith('## '));
    const after = next === -1 ? [] : ['', ...rest.slice(next)];
    out = [...lines.slice(0, start), ...section, ...after];
  }
  await writeFile(path, `${out.join('\n')}\n`);
}
