import { readFileSync } from 'node:fs';
import { createRenderRequestSchema, renderSchema, successEnvelope, uuidSchema } from '@platen/contracts';
import express from 'express';
import { z } from 'zod';
import { buildOpenApiDocument } from './openapi.js';
import { createRouteRegistry, toExpressPath } from './route-registry.js';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ name: string; in: string; required: boolean }>;
        requestBody?: unknown;
        responses: Record<string, unknown>;
        security: unknown[];
      }
    >
  >;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
};

function sampleDocument(): Doc {
  const registry = createRouteRegistry();
  const router = express.Router();
  registry.add(
    router,
    {
      method: 'post',
      path: '/api/v1/renders',
      summary: 'Create a render',
      tags: ['renders'],
      security: 'apiKey',
      body: createRenderRequestSchema,
      query: z.object({ wait: z.coerce.number().int().max(60).optional() }),
      responses: { 202: { description: 'Accepted', schema: successEnvelope(renderSchema) } },
      errors: ['VALIDATION_ERROR', 'INSUFFICIENT_CREDITS'],
    },
    [],
    () => undefined,
  );
  registry.add(
    router,
    {
      method: 'get',
      path: '/api/v1/renders/{uuid}',
      summary: 'Get a render',
      tags: ['renders'],
      security: 'apiKey',
      params: z.object({ uuid: uuidSchema }),
      responses: { 200: { description: 'The render', schema: successEnvelope(renderSchema) } },
      errors: ['NOT_FOUND'],
    },
    [],
    () => undefined,
  );
  return buildOpenApiDocument({ title: 'Platen', version: '1' }, registry.specs) as Doc;
}

// Named schemas that refer to each other, an input form that differs from the output (a default), the
// same named schema met again: every way a $ref is rewritten. Defined here, so the golden file moves
// only when the builder (or the error envelope of packages/contracts) does.
const color = z.object({ name: z.string(), hex: z.string().regex(/^#[0-9a-f]{6}$/) }).meta({ id: 'Color' });
const item = z
  .object({
    id: z.string(),
    color,
    palette: z.array(color),
    tags: z.array(z.string()).default([]),
  })
  .meta({ id: 'Item' });

function referringDocument(): Record<string, unknown> {
  const registry = createRouteRegistry();
  const router = express.Router();
  const route = (spec: Parameters<typeof registry.add>[1]) => registry.add(router, spec, [], () => undefined);
  route({
    method: 'post',
    path: '/items',
    summary: 'Create an item',
    tags: ['items'],
    security: 'apiKey',
    body: item,
    responses: { 201: { description: 'Created', schema: item } },
  });
  route({
    method: 'get',
    path: '/items/{id}',
    summary: 'Get an item',
    tags: ['items'],
    security: 'none',
    params: z.object({ id: z.string() }),
    query: z.object({ with: color.optional() }),
    responses: { 200: { description: 'The item', schema: z.object({ data: item, related: z.array(item) }) } },
  });
  route({
    method: 'put',
    path: '/items/{id}/color',
    summary: 'Set the color',
    tags: ['items'],
    security: 'session',
    params: z.object({ id: z.string() }),
    requestBodies: { 'application/json': color, 'application/x-www-form-urlencoded': color },
    responses: { 204: { description: 'Set' } },
  });
  return buildOpenApiDocument({ title: 'Refs', version: '1' }, registry.specs);
}

describe('OpenAPI document from route declarations', () => {
  it('is the golden document, key for key and in the same order', () => {
    // openapi.golden.json: the string rewrite of "#/$defs/..." (before issue #23) wrote it first; since
    // then only the naming changed: a schema met again in the same form keeps its name (no duplicate
    // `ItemInput` equal to `Item`), and `ItemInput` is the input form, referring to `ColorInput`.
    const golden = readFileSync(new URL('./openapi.golden.json', import.meta.url), 'utf8');
    expect(JSON.stringify(referringDocument())).toBe(JSON.stringify(JSON.parse(golden)));
  });

  it('points every $ref at a component, inside shared components too', () => {
    const doc = referringDocument() as Doc;
    const text = JSON.stringify(doc);
    expect(text).not.toContain('"$ref":"#/$defs/');
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    expect(new Set(refs)).toEqual(new Set(['Color', 'ColorInput', 'Item', 'ItemInput']));
    for (const name of refs) expect(doc.components.schemas).toHaveProperty([name!]);
    expect(doc.components.schemas.Item!.properties!.color).toEqual({ $ref: '#/components/schemas/Color' });
  });

  it('names a schema met again in the same form as before, so no two components are the same', () => {
    const schemas = (referringDocument() as Doc).components.schemas;
    const bodies = Object.values(schemas).map((schema) => JSON.stringify(schema));
    expect(new Set(bodies).size).toBe(bodies.length);
    expect((schemas.ItemInput as { required: string[] }).required).not.toContain('tags');
  });

  it('leaves a string that only looks like a $defs reference as it is', () => {
    const note = z
      .object({ color, note: z.string().meta({ examples: ['#/$defs/Color'] }) })
      .meta({ id: 'Note' });
    const registry = createRouteRegistry();
    registry.add(
      express.Router(),
      {
        method: 'get',
        path: '/note',
        summary: 'A note',
        tags: ['notes'],
        security: 'none',
        responses: { 200: { description: 'The note', schema: note } },
      },
      [],
      () => undefined,
    );
    const doc = buildOpenApiDocument({ title: 'Refs', version: '1' }, registry.specs) as Doc;
    expect(doc.components.schemas.Note!.properties).toEqual({
      color: { $ref: '#/components/schemas/Color' },
      note: { type: 'string', examples: ['#/$defs/Color'] },
    });
  });

  it('is OpenAPI 3.1 with every declared route and method', () => {
    const doc = sampleDocument();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/v1/renders', '/api/v1/renders/{uuid}']);
    expect(Object.keys(doc.paths['/api/v1/renders']!)).toEqual(['post']);
  });

  it('documents path and query parameters from their schemas', () => {
    const doc = sampleDocument();
    expect(doc.paths['/api/v1/renders/{uuid}']!.get!.parameters).toEqual([
      expect.objectContaining({ name: 'uuid', in: 'path', required: true }),
    ]);
    expect(doc.paths['/api/v1/renders']!.post!.parameters).toEqual([
      expect.objectContaining({ name: 'wait', in: 'query', required: false }),
    ]);
  });

  it('shares named schemas as components with the exact fields of the contract', () => {
    const doc = sampleDocument();
    const render = doc.components.schemas.Render!;
    expect(Object.keys(render.properties ?? {}).sort()).toEqual(
      [
        'attempts',
        'batch_uuid',
        'completed_at',
        'created_at',
        'credits_charged',
        'credits_refunded',
        'error',
        'export_label',
        'metadata',
        'mockup_uuid',
        'result',
        'started_at',
        'status',
        'uuid',
        'webhook',
      ].sort(),
    );
    expect(doc.components.schemas.CreateRenderRequest?.required).toEqual(['mockup_uuid', 'smart_objects']);
    expect(JSON.stringify(doc)).not.toContain('#/$defs/');
  });

  it('documents each declared error code with the envelope', () => {
    const doc = sampleDocument();
    const responses = doc.paths['/api/v1/renders']!.post!.responses;
    expect((responses['402'] as { description: string }).description).toContain('INSUFFICIENT_CREDITS');
    expect(JSON.stringify(responses['400'])).toContain('#/components/schemas/Error');
    expect(doc.components.schemas.Error?.required).toEqual(
      expect.arrayContaining(['success', 'error', 'detail', 'code', 'request_id']),
    );
  });

  it('declares both API key schemes on API-key routes', () => {
    expect(sampleDocument().paths['/api/v1/renders']!.post!.security).toEqual([
      { ApiKeyHeader: [] },
      { BearerAuth: [] },
    ]);
  });

  it('lists tag groups in the order given, so Swagger UI shows them in that order', () => {
    const tags = [
      { name: 'renders', description: 'Create and read renders' },
      { name: 'operations', description: 'Health and metrics' },
    ];
    const doc = buildOpenApiDocument({ title: 'Platen', version: '1' }, [], { tags }) as { tags?: unknown };
    expect(doc.tags).toEqual(tags);
    expect(sampleDocument()).not.toHaveProperty('tags');
  });

  it('turns OpenAPI path templates into express paths', () => {
    expect(toExpressPath('/api/v1/renders/{uuid}/webhook/redeliver')).toBe(
      '/api/v1/renders/:uuid/webhook/redeliver',
    );
  });
});
