// GET /openapi.json (built from the route registry, so every declared route is in it) and GET /docs,
// Swagger UI served from the gateway itself (swagger-ui-dist), under a CSP that allows only self. The
// public API comes first: a reader of /docs is a client before they are an operator.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildOpenApiDocument, type AnyRouteSpec, type RouteRegistry } from '@platen/http';
import express, { type Router } from 'express';
import { z } from 'zod';
import { PRINT_FILE_MAX_PIXELS } from '@platen/contracts';
import { priceTableMarkdown, printFilePriceTableMarkdown } from '../renders/price-table.js';

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

/** Tag groups in the order /docs shows them: the public API, then the dashboard's, then operations. */
export const DOCS_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: 'mockups',
    description: 'Templates to render into: the built-ins and your own uploads (PSD/PSB or manifest)',
  },
  { name: 'renders', description: 'Create a render, wait for it or poll it' },
  { name: 'webhooks', description: 'Signed event deliveries: endpoints, the signing secret, delivery logs' },
  { name: 'dashboard', description: 'The web dashboard and its session-authenticated JSON API' },
  { name: 'operations', description: 'Health, readiness, metrics, signed result files and this reference' },
];

const DESCRIPTION = `Self-hostable mockup render API. Every \`/api/v1\` call carries an API key, as \`X-API-KEY: sm_…\` or \`Authorization: Bearer sm_…\`.

The guide for clients (getting started, keys, rate limits, credits, \`?wait\`, idempotency, webhooks and how to verify them, PSD import, every error code) is \`docs/api.md\` in the Platen repository; how the services fit together is \`docs/architecture.md\`.

## What a render costs

1 credit per started 4 output megapixels, at least 1. The output keeps the template's aspect ratio, with its longest side at \`export_options.size\` (the template's own size when left out), so the cost depends on both:

${priceTableMarkdown()}

Each print file (\`print_files\`) costs, on top, as a render of its own pixel size: its smart object's \`print_area\` at its \`dpi\` (round(mm / 25.4 × dpi) px a side). For example:

${printFilePriceTableMarkdown()}

— : over the ${PRINT_FILE_MAX_PIXELS / 1_000_000} MP a print file may have (refused with 400).
`;

/** Public API routes first, then by tag group; the registry's order is kept within a group. */
export function inReadingOrder(specs: readonly AnyRouteSpec[]): AnyRouteSpec[] {
  const rank = (spec: AnyRouteSpec) => {
    const tag = DOCS_TAGS.findIndex(({ name }) => spec.tags.includes(name));
    return (spec.path.startsWith('/api/') ? 0 : 1) * 100 + (tag === -1 ? DOCS_TAGS.length : tag);
  };
  return [...specs].sort((a, b) => rank(a) - rank(b));
}

/** The gateway's OpenAPI document, as /openapi.json serves it and /docs shows it. */
export function buildGatewayDocument(
  specs: readonly AnyRouteSpec[],
  version: string,
): Record<string, unknown> {
  return buildOpenApiDocument({ title: 'Platen', version, description: DESCRIPTION }, inReadingOrder(specs), {
    tags: DOCS_TAGS,
  });
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
      document ??= buildGatewayDocument([...registry.specs, ...extraSpecs], version);
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
