// What the gateway needs to serve the dashboard: where the built page is and how to cache each file.
// The page itself is built by Vite from web/ into dist/web (see README.md).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the gateway mounts the page; the page's own links and asset URLs assume it. */
export const DASHBOARD_BASE_PATH = '/dashboard';
/** Its JSON API, under the same path (the session cookie is scoped to it). */
export const DASHBOARD_API_PATH = '/dashboard/api';
/** Served for every page address (/dashboard, /dashboard/keys, …) that is not a file. */
export const DASHBOARD_INDEX_FILE = 'index.html';
/** Files here carry a content hash in their name: they never change and may be cached for a year. */
export const DASHBOARD_IMMUTABLE_DIR = 'assets';

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so it is revalidated on every load. */
export const REVALIDATE_CACHE_CONTROL = 'no-cache';

// From dist/index.js (built ESM) and from src/index.ts (jest, where swc rewrites import.meta.url to
// the file's own URL) alike, the package root is one folder up.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Absolute path of the built page (dist/web), whether or not it has been built yet. */
export function dashboardWebRoot(): string {
  return path.join(packageRoot, 'dist', 'web');
}

/** Whether `npm run build` has produced the page (dist/web/index.html exists). */
export function dashboardIsBuilt(webRoot = dashboardWebRoot()): boolean {
  return existsSync(path.join(webRoot, DASHBOARD_INDEX_FILE));
}

/**
 * True for a path (relative to the web root, `/`-separated, e.g. `assets/index-BilFQIZ4.js`) whose
 * name carries a content hash: Vite writes every bundled file, and only those, under assets/.
 */
export function isImmutableAsset(relativePath: string): boolean {
  const parts = relativePath.replace(/^\/+/, '').split('/');
  return (
    parts.length === 2 && parts[0] === DASHBOARD_IMMUTABLE_DIR && parts[1] !== '' && !parts.includes('..')
  );
}

/** The Cache-Control header for a file of the page. */
export function cacheControlFor(relativePath: string): string {
  return isImmutableAsset(relativePath) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL;
}
