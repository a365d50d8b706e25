// Builds web/ into dist/web: the static files the gateway serves at /dashboard/. Everything the page
// needs is bundled (no CDN, no web fonts); file names under assets/ carry a content hash.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: fromHere('./web'),
  base: '/dashboard/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  // `vite --config vite.config.ts` serves web/ with live reload; the API calls go to a gateway on its
  // default port (npm start).
  server: { proxy: { '/dashboard/api': 'http://127.0.0.1:8080' } },
  build: {
    outDir: fromHere('./dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    target: 'es2022',
    // Modern browsers only: no inline polyfill script, so a strict Content-Security-Policy holds.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
