// infra/bench/RESULTS.md holds one `## ` section per benchmark, each written by its own script.
// This writer only ever replaces the render section (or its profile subsection); other sections,
// such as the gateway's, are kept byte for byte.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

export const RENDER_SECTION = '## Render (compositor)';
export const PROFILE_SUBSECTION = '### Profile';
/** Written by infra/bench/e2e-render/run.mjs. */
export const E2E_SUBSECTION = '### End to end';
/** Written by infra/bench/render/repeat-artwork.mjs (issue 24: the decoded-artwork cache). */
export const REPEAT_SUBSECTION = '### Repeated artwork';
/** Written by infra/bench/render/imported-templates.mjs (issue 22: imported templates' render time). */
export const IMPORTED_SUBSECTION = '### Imported templates';
/** Written by hand: a compositor change checked against an earlier compositor on the same renders. */
export const REGRESSION_SUBSECTION = '### Regression check';
/** Subsections other scripts (or modes) write: a run of the comparison keeps them, in this order. */
const KEPT = [
  E2E_SUBSECTION,
  REPEAT_SUBSECTION,
  IMPORTED_SUBSECTION,
  REGRESSION_SUBSECTION,
  PROFILE_SUBSECTION,
];

const HEADER = `# Benchmark results

One section per benchmark, each written by its script (\`npm run bench:<name>\`); numbers depend on
the machine and its load, which each section records.
`;

const keptIndex = (part) => KEPT.findIndex((prefix) => part[0].startsWith(prefix));

/** Replaces the render section's generated part; the subsections in KEPT already there stay. */
export async function writeRenderSection(path, body) {
  const doc = parse(await load(path));
  const section = doc.sections.find((s) => s.heading === RENDER_SECTION);
  const kept = section ? subsections(section.lines).filter((part) => keptIndex(part) >= 0) : [];
  upsert(doc, RENDER_SECTION, join([body.split('\n'), ...ordered(kept)]));
  await writeFile(path, serialise(doc));
}

/** Replaces (or adds) the profile subsection of the render section. */
export function writeProfileSubsection(path, body) {
  return writeSubsection(path, PROFILE_SUBSECTION, body);
}

/** Replaces (or adds) the subsection of the render section whose heading starts with `prefix`. */
export async function writeSubsection(path, prefix, body) {
  const doc = parse(await load(path));
  const section = doc.sections.find((s) => s.heading === RENDER_SECTION);
  const parts = section
    ? subsections(section.lines).filter((part) => !part[0].startsWith(prefix))
    : [['Run `npm run bench:render` for the comparison tables.']];
  const main = parts.filter((part) => keptIndex(part) < 0);
  const kept = [...parts.filter((part) => keptIndex(part) >= 0), body.split('\n')];
  upsert(doc, RENDER_SECTION, join([...main, ...ordered(kept)]));
  await writeFile(path, serialise(doc));
}

function ordered(parts) {
  return [...parts].sort((a, b) => keptIndex(a) - keptIndex(b));
}

/** Blocks of lines, trimmed, one blank line between them. */
function join(blocks) {
  return blocks.flatMap((block, i) => [...(i > 0 ? [''] : []), ...trimmed(block)]);
}

async function load(path) {
  return existsSync(path) ? readFile(path, 'utf8') : HEADER;
}

/** The text before the first `## ` heading, then each `## ` section with its lines. */
function parse(text) {
  const lines = text.replace(/\s+$/, '').split('\n');
  const doc = { top: [], sections: [] };
  for (const line of lines) {
    if (line.startsWith('## ')) doc.sections.push({ heading: line, lines: [] });
    else if (doc.sections.length > 0) doc.sections[doc.sections.length - 1].lines.push(line);
    else doc.top.push(line);
  }
  return doc;
}

/** A section's lines split at `### ` headings: the intro first (possibly empty), then each subsection. */
function subsections(lines) {
  const parts = [[]];
  for (const line of lines) {
    if (line.startsWith('### ')) parts.push([line]);
    else parts[parts.length - 1].push(line);
  }
  return parts.filter((part) => trimmed(part).length > 0);
}

function upsert(doc, heading, lines) {
  const section = doc.sections.find((s) => s.heading === heading);
  if (section) section.lines = ['', ...lines];
  else doc.sections.push({ heading, lines: ['', ...lines] });
}

function trimmed(lines) {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end);
}

function serialise(doc) {
  const blocks = [trimmed(doc.top).join('\n')];
  for (const section of doc.sections)
    blocks.push(
      [section.heading, ...trimmed(section.lines).flatMap((l, i) => (i === 0 ? ['', l] : [l]))].join('\n'),
    );
  return `${blocks.filter((block) => block.length > 0).join('\n\n')}\n`;
}
