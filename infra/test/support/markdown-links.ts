// Checks the links of Markdown files against the repository's file list: every relative link (and
// image) names a file or folder inside the repository, every #anchor into a Markdown file names one of
// its headings, and no file mentions the drafts outside the repository (../shared, API.md).
// Pure: the caller hands in the files and the repository's paths.
import { posix } from 'node:path';

export interface MarkdownFile {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

export interface LinkProblem {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** The drafts that lived outside the repository; the guides are docs/api.md and docs/architecture.md. */
const OUTSIDE_MENTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\.\.\/shared\b|\/work\/shared\b/, 'mentions ../shared, which is outside the repository'],
  [
    /\b(?:API|ARCHITECTURE)\.md\b/,
    'names API.md or ARCHITECTURE.md: the guides are docs/api.md and docs/architecture.md',
  ],
];

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const HTML_ANCHOR = /<a\s+(?:name|id)="([^"]+)"/g;

/** The lines of a Markdown text with code blocks (and inline code, unless kept) blanked, line numbers kept. */
export function proseLines(text: string, { keepInlineCode = false } = {}): string[] {
  const lines = text.split('\n');
  const prose: string[] = [];
  let fence: string | null = null;
  let previousBlankOrCode = true;
  for (const line of lines) {
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
      prose.push('');
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      prose.push('');
      continue;
    }
    const indentedCode =
      /^(?: {4}|\t)/.test(line) && previousBlankOrCode && !/^\s*(?:[-*+]|\d+\.)\s/.test(line);
    if (indentedCode && line.trim() !== '') {
      prose.push('');
      previousBlankOrCode = true;
      continue;
    }
    previousBlankOrCode = line.trim() === '';
    prose.push(
      keepInlineCode ? line : line.replace(/(`+)(?:(?!\1).)+?\1/g, (span) => ' '.repeat(span.length)),
    );
  }
  return prose;
}

/** GitHub's anchor for a heading: lowercase, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown text offers: its headings (duplicates numbered like GitHub) and HTML anchors. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text, { keepInlineCode: true })) {
    const heading = HEADING.exec(line);
    if (heading) {
      const slug = headingSlug(heading[2]!);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
  }
  for (const match of text.matchAll(HTML_ANCHOR)) anchors.add(match[1]!);
  return anchors;
}

/** The link targets of a Markdown text, with their line numbers (code excluded). */
export function linksOf(text: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  proseLines(text).forEach((line, index) => {
    const definition = REFERENCE_DEFINITION.exec(line);
    if (definition) links.push({ line: index + 1, target: definition[1]! });
    for (const match of line.matchAll(INLINE_LINK)) links.push({ line: index + 1, target: match[1]! });
  });
  return links;
}

export function checkMarkdownLinks(
  files: readonly MarkdownFile[],
  repositoryPaths: ReadonlySet<string>,
): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const folders = new Set<string>();
  for (const path of repositoryPaths) {
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) folders.add(dir);
  }
  const texts = new Map(files.map((file) => [file.path, file.text]));
  const anchorCache = new Map<string, Set<string>>();
  const anchorsFor = (path: string): Set<string> | undefined => {
    const text = texts.get(path);
    if (text === undefined) return undefined;
    let anchors = anchorCache.get(path);
    if (!anchors) anchorCache.set(path, (anchors = anchorsOf(text)));
    return anchors;
  };

  for (const file of files) {
    const report = (line: number, target: string, problem: string) =>
      problems.push({ file: file.path, line, target, problem });

    file.text.split('\n').forEach((line, index) => {
      for (const [pattern, problem] of OUTSIDE_MENTIONS) {
        const match = pattern.exec(line);
        if (match) report(index + 1, match[0], problem);
      }
    });

    for (const { line, target } of linksOf(file.text)) {
      if (SCHEME.test(target) || target.startsWith('//')) continue;
      const hash = target.indexOf('#');
      const pathPart = hash === -1 ? target : target.slice(0, hash);
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      let resolved: string;
      if (pathPart === '') {
        resolved = file.path;
      } else {
        const decoded = decodeURIComponent(pathPart.split('?')[0]!);
        resolved = decoded.startsWith('/')
          ? posix.normalize(decoded.slice(1))
          : posix.join(posix.dirname(file.path), decoded);
        resolved = resolved.replace(/\/$/, '');
      }
      if (resolved === '..' || resolved.startsWith('../') || posix.isAbsolute(resolved)) {
        report(line, target, 'points outside the repository');
        continue;
      }
      if (resolved !== '.' && resolved !== '' && !repositoryPaths.has(resolved) && !folders.has(resolved)) {
        report(line, target, `no such file in the repository: ${resolved}`);
        continue;
      }
      if (anchor !== undefined && anchor !== '' && resolved.endsWith('.md')) {
        const anchors = anchorsFor(resolved);
        if (anchors && !anchors.has(anchor)) report(line, target, `no heading #${anchor} in ${resolved}`);
      }
    }
  }
  return problems;
}
