// Every link in every tracked Markdown file resolves inside the repository, so a reader who follows
// the README or docs/api.md never lands on a missing page, and nothing sends them to files outside it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { anchorsOf, checkMarkdownLinks, type MarkdownFile } from './support/markdown-links.js';
import { REPO_ROOT } from './support/paths.js';

/** Never part of the repository, even where git is not at hand to say so. */
const UNTRACKED_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  '.turbo',
  '.data',
  'coverage',
  'test-artifacts',
]);

/** Every file under the root except build output and dependencies: for a copy without .git. */
function walk(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = prefix + entry.name;
    if (entry.isDirectory())
      return UNTRACKED_DIRS.has(entry.name) ? [] : walk(join(dir, entry.name), `${path}/`);
    return entry.isFile() ? [path] : [];
  });
}

/** Tracked files plus new ones not ignored yet, so a link to a file about to be committed counts. */
function repositoryPaths(): Set<string> {
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return new Set(walk(REPO_ROOT));
  }
  return new Set(listing.split('\0').filter(Boolean));
}

function check(files: Record<string, string>, extraPaths: string[] = []) {
  const markdown = Object.entries(files).map(([path, text]) => ({ path, text }));
  return checkMarkdownLinks(markdown, new Set([...Object.keys(files), ...extraPaths]));
}

describe('Markdown links in the repository', () => {
  const paths = repositoryPaths();
  const markdown: MarkdownFile[] = [...paths]
    .filter((path) => path.endsWith('.md'))
    .map((path) => ({ path, text: readFileSync(join(REPO_ROOT, path), 'utf8') }));

  it('finds the README and both guides', () => {
    expect(markdown.map((file) => file.path)).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/api.md',
        'docs/architecture.md',
        'services/gateway/README.md',
      ]),
    );
  });

  it('resolve to files and headings inside the repository, and no file mentions ../shared', () => {
    const problems = checkMarkdownLinks(markdown, paths).map(
      ({ file, line, target, problem }) => `${file}:${line} ${target}: ${problem}`,
    );
    expect(problems).toEqual([]);
  });
});

describe('the link check itself', () => {
  it('reports a link to a missing file, with its line', () => {
    expect(check({ 'README.md': 'intro\n\nSee [the guide](docs/guide.md).' })).toEqual([
      {
        file: 'README.md',
        line: 3,
        target: 'docs/guide.md',
        problem: 'no such file in the repository: docs/guide.md',
      },
    ]);
  });

  it('resolves links relative to the file, and accepts files and folders that exist', () => {
    const files = {
      'services/gateway/README.md':
        '[api](../../docs/api.md) [pkg](../../packages/outbound) ![img](shot.png)',
      'docs/api.md': '# API',
    };
    expect(check(files, ['packages/outbound/README.md', 'services/gateway/shot.png'])).toEqual([]);
    expect(check({ 'services/gateway/README.md': '[api](docs/api.md)' }, ['docs/api.md'])).toHaveLength(1);
  });

  it('reports a link that climbs out of the repository', () => {
    const problems = check({ 'README.md': '[contract](../shared/notes.txt)' });
    expect(problems.map((p) => p.problem)).toContain('points outside the repository');
  });

  it('reports any mention of ../shared or the old API.md, even outside a link', () => {
    const problems = check({ 'a.md': 'Contract: `../shared/x`.', 'b.md': 'see API.md' });
    expect(problems.map((p) => p.file)).toEqual(['a.md', 'b.md']);
  });

  it('checks #anchors against the target’s headings', () => {
    const files = {
      'docs/api.md': '# Platen API\n\n## Getting started\n\n## Errors: what to do\n\n## Errors: what to do\n',
      'README.md': '[a](docs/api.md#getting-started) [b](docs/api.md#errors-what-to-do-1) [c](#top)',
    };
    const problems = check(files);
    expect(problems).toEqual([expect.objectContaining({ file: 'README.md', target: '#top' })]);
  });

  it('ignores external URLs and anything inside code', () => {
    const text = [
      '[site](https://example.com/x) <http://localhost:8080/dashboard> [mail](mailto:a@b.c)',
      '```sh',
      'echo "[not](a/link.md)"',
      '```',
      'inline `[not](a/link.md)` code',
      '',
      '    [indented](code/block.md)',
    ].join('\n');
    expect(check({ 'README.md': text })).toEqual([]);
  });

  it('makes GitHub’s heading anchors', () => {
    expect([...anchorsOf('## `?wait=N`: hold the request\n### Webhooks (Standard Webhooks)\n')]).toEqual([
      'waitn-hold-the-request',
      'webhooks-standard-webhooks',
    ]);
  });
});
