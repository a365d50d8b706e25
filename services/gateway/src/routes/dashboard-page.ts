// GET /dashboard: the built web page (packages/dashboard). Hashed files under assets/ are cached for a
// year; index.html is revalidated on every load and answered for every page address, so links into
// the page work. The page may load only its own scripts and styles, and talks only to this origin.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '@platen/contracts';
import {
  DASHBOARD_API_PATH,
  DASHBOARD_BASE_PATH,
  DASHBOARD_IMMUTABLE_DIR,
  DASHBOARD_INDEX_FILE,
  IMMUTABLE_CACHE_CONTROL,
  REVALIDATE_CACHE_CONTROL,
  isImmutableAsset,
} from '@platen/dashboard';
import type { AnyRouteSpec } from '@platen/http';
import express, { type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // Result images and thumbnails: signed gateway URLs, or presigned URLs of an S3 bucket elsewhere.
  'img-src * data: blob:',
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const pageSpec = (pagePath: string): AnyRouteSpec => ({
  method: 'get',
  path: pagePath,
  summary: 'The dashboard web page (index.html for every page address)',
  tags: ['dashboard'],
  security: 'none',
  ...(pagePath.includes('{') ? { params: z.object({ page: z.string() }) } : {}),
  responses: { 200: { description: 'HTML', contentType: 'text/html', schema: z.string() } },
  errors: ['NOT_FOUND', 'SERVICE_UNAVAILABLE'],
});

export const DASHBOARD_PAGE_SPECS: AnyRouteSpec[] = [pageSpec('/dashboard'), pageSpec('/dashboard/{page}')];

function pageHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // Signed result URLs must not leak to other sites through the Referer header.
    'Referrer-Policy': 'no-referrer',
  });
}

export function registerDashboardPage(router: Router, { webRoot }: { webRoot: string }): void {
  router.use(
    DASHBOARD_BASE_PATH,
    express.static(webRoot, {
      index: false,
      redirect: false,
      setHeaders(res, filePath) {
        const relative = path.relative(webRoot, filePath).split(path.sep).join('/');
        res.set(
          'Cache-Control',
          isImmutableAsset(relative) ? IMMUTABLE_CACHE_CONTROL : REVALIDATE_CACHE_CONTROL,
        );
        res.set('X-Content-Type-Options', 'nosniff');
        if (relative === DASHBOARD_INDEX_FILE) pageHeaders(res);
      },
    }),
  );

  const indexFile = path.join(webRoot, DASHBOARD_INDEX_FILE);
  const servePage: RequestHandler = (req, res, next) => {
    // An unknown API route or a missing asset is a 404 in the envelope, not the page.
    if (
      req.path.startsWith(`${DASHBOARD_API_PATH}/`) ||
      req.path.startsWith(`${DASHBOARD_BASE_PATH}/${DASHBOARD_IMMUTABLE_DIR}/`)
    ) {
      return next();
    }
    if (!existsSync(indexFile)) {
      return next(
        new ApiError('SERVICE_UNAVAILABLE', { message: 'The dashboard is not built: run npm run build' }),
      );
    }
    pageHeaders(res);
    res.set('Cache-Control', REVALIDATE_CACHE_CONTROL);
    res.sendFile(indexFile, (error) => {
      if (error) next(error);
    });
  };
  router.get(DASHBOARD_BASE_PATH, servePage);
  router.get(`${DASHBOARD_BASE_PATH}/*page`, servePage);
}
