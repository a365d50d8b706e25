// What a long fault run measured (counts, outage lengths, recovery times), written as one markdown
// section per fault into a results file (FAULT_FIGURES, default test-artifacts/faults.md), replacing
// that fault's earlier section. Recorded, never asserted: this machine is shared.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@platen/testing';

const FILE = process.env.FAULT_FIGURES ?? path.join(REPO_ROOT, 'test-artifacts', 'faults.md');
const HEADER = '## Fault tests (`npm run test:faults`)';

export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, node ${process.version}, load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')} (shared machine)`;
}

/** Replaces (or adds) the section titled `### <title>` with `lines`, stamped with date and machine. */
export function recordFigures(title: string, lines: string[]): void {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [`### ${title}`, '', `${date} UTC; ${machine()}.`, '', ...lines, ''].join('\n');
  const existing = existsSync(FILE) ? readFileSync(FILE, 'utf8') : `${HEADER}\n\n`;
  const sections = existing.split(/^(?=### )/m);
  const index = sections.findIndex((s) => s.startsWith(`### ${title}\n`));
  if (index >= 0) sections[index] = section;
  else sections.push(section);
  mkdirSync(path.dirname(FILE), { recursive: true });
  writeFileSync(FILE, sections.join('').replace(/\n{3,}/g, '\n\n'));
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
