import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
  cacheControlFor,
  dashboardIsBuilt,
  dashboardWebRoot,
  isImmutableAsset,
} from './index.js';

describe('dashboardWebRoot', () => {
  it('is the absolute dist/web folder of this package when running from the TypeScript source', () => {
    const root = dashboardWebRoot();
    expect(path.isAbsolute(root)).toBe(true);
    expect(root).toBe(path.resolve(__dirname, '..', 'dist', 'web'));
    expect(existsSync(path.join(root, '..', '..', 'package.json'))).toBe(true);
  });

  it('says the page is not built when the folder has no index.html', () => {
    expect(dashboardIsBuilt(path.join(__dirname, 'no-such-folder'))).toBe(false);
  });
});

describe('cache headers', () => {
  it('caches hashed files under assets/ for a year as immutable', () => {
    expect(isImmutableAsset('assets/index-BilFQIZ4.js')).toBe(true);
    expect(isImmutableAsset('/assets/index-BilFQIZ4.css')).toBe(true);
    expect(cacheControlFor('assets/usage-chart-Dd8f.js')).toBe(IMMUTABLE_CACHE_CONTROL);
  });

  it('revalidates index.html and anything outside assets/', () => {
    expect(cacheControlFor('index.html')).toBe(REVALIDATE_CACHE_CONTROL);
    expect(cacheControlFor('favicon.ico')).toBe(REVALIDATE_CACHE_CONTROL);
    expect(isImmutableAsset('assets/')).toBe(false);
    expect(isImmutableAsset('assets/nested/file.js')).toBe(false);
    expect(isImmutableAsset('assets/../index.html')).toBe(false);
    expect(isImmutableAsset('other/assets/x.js')).toBe(false);
  });
});
