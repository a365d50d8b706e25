// GET /openapi.json (built from the route registry, so every declared route is in it) and GET /docs,
// Swagger UI served from the gateway itself (swagger-ui-dist), under a CSP that allows only self.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument, type AnyRouteSpec, type RouteRegistry } from '@platen/http';
import express, { type Router } from 'express';
import { z } from 'zod';

const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Platen API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;

/** Resolved from the process's entry file (dist/main.js, or jest's runner): both see the workspace's node_modules. */
function swaggerUiDir(): string {
  const from = process.argv[1] ?? join(process.cwd(), 'index.js');
  return dirname(createRequire(from).resolve('swagger-ui-dist/package.json'));
}

export interface DocsRoutesDeps {
  registry: RouteRegistry;
  router: Router;
  /** Routes documented by hand (not declared through the registry). */
  extraSpecs: AnyRouteSpec[];
  /** The API version in the document's info block. */
  version: string;
}

export function registerDocsRoutes({ registry, router, extraSpecs, version }: DocsRoutesDeps): void {
  let document: Record<string, unknown> | undefined;
  const text = z.string();

  registry.add(
    router,
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'This document (OpenAPI 3.1)',
      tags: ['operations'],
      security: 'none',
      responses: { 200: { description: 'OpenAPI 3.1 document' } },
    },
    [],
    (_input, _req, res) => {
      document ??= buildOpenApiDocument(
        {
          title: 'Platen',
          version,
          description: 'Self-hostable mockup render API. Contract: API.md.',
        },
        [...registry.specs, ...extraSpecs],
      );
      res.json(document);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/docs',
      summary: 'Rendered API reference (Swagger UI)',
      tags: ['operations'],
      security: 'none',
      responses: { 200: { description: 'HTML page', contentType: 'text/html', schema: text } },
    },
    [],
    (_input, _req, res) => {
      res.set('Content-Security-Policy', CSP).type('html').send(PAGE);
    },
  );

  registry.add(
    router,
    {
      method: 'get',
      path: '/docs/init.js',
      summary: 'Swagger UI start-up script for /docs',
      tags: ['operations'],
      security: 'none',
      responses: { 200: { description: 'JavaScript', contentType: 'text/javascript', schema: text } },
    },
    [],
    (_input, _req, res) => {
      res.set('Content-Security-Policy', CSP).type('text/javascript').send(INIT);
    },
  );

  // Static files of swagger-ui-dist; files outside it (or the stock index.html) are never reached.
  router.use(
    '/docs/assets',
    (_req, res, next) => {
      res.set('Content-Security-Policy', CSP);
      next();
    },
    express.static(swaggerUiDir(), { index: false, fallthrough: true, maxAge: '1d' }),
  );
}
