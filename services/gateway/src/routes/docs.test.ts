import type { AnyRouteSpec } from '@platen/http';
import { priceTableMarkdown } from '../renders/price-table.js';
import { buildGatewayDocument, DOCS_TAGS } from './docs.js';

const spec = (method: AnyRouteSpec['method'], path: string, tag: string): AnyRouteSpec => ({
  method,
  path,
  summary: `${method} ${path}`,
  tags: [tag],
  security: 'none',
  responses: { 200: { description: 'ok' } },
});

// The gateway registers operations first (app.ts), so the order below is the one it hands over.
const registered = [
  spec('get', '/healthz', 'operations'),
  spec('get', '/metrics', 'operations'),
  spec('get', '/openapi.json', 'operations'),
  spec('get', '/api/v1/mockups', 'mockups'),
  spec('post', '/api/v1/renders', 'renders'),
  spec('get', '/api/v1/renders/{uuid}', 'renders'),
  spec('get', '/api/v1/webhooks', 'webhooks'),
  spec('post', '/dashboard/api/login', 'dashboard'),
  spec('get', '/files/{key}', 'operations'),
  spec('get', '/dashboard', 'dashboard'),
];

type Doc = { info: { description: string }; tags: Array<{ name: string }>; paths: Record<string, unknown> };
const doc = () => buildGatewayDocument(registered, '1.0.0') as Doc;

describe('the gateway API reference (/openapi.json, shown by /docs)', () => {
  it('lists the public API before the dashboard and the operational routes', () => {
    expect(Object.keys(doc().paths)).toEqual([
      '/api/v1/mockups',
      '/api/v1/renders',
      '/api/v1/renders/{uuid}',
      '/api/v1/webhooks',
      '/dashboard/api/login',
      '/dashboard',
      '/healthz',
      '/metrics',
      '/openapi.json',
      '/files/{key}',
    ]);
  });

  it('orders the tag groups public first, operations last', () => {
    expect(doc().tags.map((tag) => tag.name)).toEqual([
      'mockups',
      'renders',
      'webhooks',
      'dashboard',
      'operations',
    ]);
    expect(DOCS_TAGS.at(-1)!.name).toBe('operations');
  });

  it('shows what a render costs at each size, from the credits rule', () => {
    expect(doc().info.description).toContain(priceTableMarkdown());
  });

  it('points readers to the guides in the repository, never outside it', () => {
    const description = doc().info.description;
    expect(description).toContain('docs/api.md');
    expect(description).toContain('docs/architecture.md');
    expect(description).not.toMatch(/\.\.\/|shared\/|API\.md|ARCHITECTURE\.md/);
  });
});
