// File names inside a batch archive: `<mockup slug>[-<colour hex>][-<export_label>]-<n>.<ext>`, made
// of [a-z0-9._-] only (safe on every file system and unzip tool, no hidden or nested files) and
// unique within one archive: n counts the files of one stem, in the order they are named.

/** Each part is cut to this before joining, so a long export_label cannot make an unwieldy name. */
const MAX_PART_LENGTH = 60;

export interface ArchiveNameParts {
  slug: string;
  /** `#rrggbb`, or null for a render with no product colour. */
  color: string | null;
  exportLabel: string | null;
  extension: string;
}

/** Lower-case ASCII letters, digits, `.`, `_` and `-`; accents dropped, anything else becomes `-`. */
export function sanitiseNamePart(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/-{2,}/g, '-')
    .slice(0, MAX_PART_LENGTH)
    .replace(/^[-.]+|[-.]+$/g, '');
}

export type ArchiveNamer = (parts: ArchiveNameParts) => string;

/** One namer per archive: it remembers the names it handed out. */
export function createArchiveNamer(): ArchiveNamer {
  const lastNumber = new Map<string, number>();
  const used = new Set<string>();
  return ({ slug, color, exportLabel, extension }) => {
    const stem = [
      sanitiseNamePart(slug) || 'render',
      color === null ? '' : sanitiseNamePart(color.replace(/^#/, '')),
      exportLabel === null ? '' : sanitiseNamePart(exportLabel),
    ]
      .filter((part) => part !== '')
      .join('-');
    const ext = sanitiseNamePart(extension) || 'bin';
    // `-<n>` ends every name and n has no `-`, so two stems cannot meet; the set is a backstop.
    let n = lastNumber.get(stem) ?? 0;
    let name: string;
    do {
      n += 1;
      name = `${stem}-${n}.${ext}`;
    } while (used.has(name));
    lastNumber.set(stem, n);
    used.add(name);
    return name;
  };
}
