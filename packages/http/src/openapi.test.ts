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

describe('OpenAPI document from route declarations', () => {
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
        'completed_at',
        'created_at',
        'credits_charged',
        'credits_refunded',
        'error',
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
