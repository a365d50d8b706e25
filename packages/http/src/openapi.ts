// Builds the OpenAPI 3.1 document from the route registry's declarations (zod → JSON Schema
// 2020-12, which OpenAPI 3.1 uses as is).
import { errorCatalogue, errorEnvelopeSchema } from '@platen/contracts';
import { z } from 'zod';
import type { AnyRouteSpec } from './route-registry.js';

type JsonSchema = Record<string, unknown>;

const SECURITY: Record<AnyRouteSpec['security'], Array<Record<string, string[]>>> = {
  apiKey: [{ ApiKeyHeader: [] }, { BearerAuth: [] }],
  session: [{ SessionCookie: [] }],
  signedUrl: [],
  none: [],
};

const DEFS_REF = '#/$defs/';

/** A copy of `schema` whose `$ref`s to `#/$defs/<id>` point at `#/components/schemas/<names[id] ?? id>`. */
function pointRefsAtComponents(schema: JsonSchema, names: ReadonlyMap<string, string>): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => {
        if (key === '$ref' && typeof field === 'string' && field.startsWith(DEFS_REF)) {
          const id = field.slice(DEFS_REF.length);
          return [key, `#/components/schemas/${names.get(id) ?? id}`];
        }
        return [key, walk(field)];
      }),
    );
  };
  return walk(schema) as JsonSchema;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiOptions {
  /** Tag groups in display order (Swagger UI shows groups in this order, not in order of first use). */
  tags?: ReadonlyArray<{ name: string; description?: string }>;
}

export function buildOpenApiDocument(
  info: OpenApiInfo,
  specs: readonly AnyRouteSpec[],
  { tags }: OpenApiOptions = {},
): JsonSchema {
  const components: Record<string, JsonSchema> = {};

  // zod names schemas that carry `.meta({ id })` as $defs; they become shared components. The input
  // and output forms of one schema can differ (defaults), so an input form that differs gets "Input".
  const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    }) as JsonSchema & {
      $defs?: Record<string, JsonSchema>;
    };
    const definitions = Object.entries(json.$defs ?? {});
    // A definition keeps its id when, with its refs pointed at components, it is the component already
    // registered under that id; otherwise (an input form with other defaults) it becomes `${id}Input`.
    // Renaming one definition can make another that refers to it differ, so names settle by iteration.
    const names = new Map<string, string>(definitions.map(([id]) => [id, id]));
    for (let changed = true; changed;) {
      changed = false;
      for (const [id, definition] of definitions) {
        const existing = components[id];
        const same =
          !existing || JSON.stringify(existing) === JSON.stringify(pointRefsAtComponents(definition, names));
        const name = same ? id : `${id}Input`;
        if (names.get(id) !== name) {
          names.set(id, name);
          changed = true;
        }
      }
    }
    const toComponentRefs = (value: JsonSchema) => pointRefsAtComponents(value, names);
    for (const [id, definition] of Object.entries(json.$defs ?? {}))
      components[names.get(id) ?? id] = toComponentRefs(definition);
    delete json.$defs;
    delete json.$schema;
    return toComponentRefs(json);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const parameters: unknown[] = [];
    for (const [location, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const json = toSchema(schema, 'input') as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(json.properties ?? {})) {
        parameters.push({
          name,
          in: location,
          required: location === 'path' || (json.required ?? []).includes(name),
          schema: property,
        });
      }
    }
    for (const [name, header] of Object.entries(spec.headers ?? {})) {
      parameters.push({
        name,
        in: 'header',
        required: header.required ?? false,
        description: header.description,
        schema: { type: 'string' },
      });
    }

    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? {
              content: {
                [response.contentType ?? 'application/json']: { schema: toSchema(response.schema, 'output') },
              },
            }
          : {}),
      };
    }
    for (const code of spec.errors ?? []) {
      const { status, message } = errorCatalogue[code];
      const existing = responses[String(status)] as { description: string } | undefined;
      responses[String(status)] = {
        description: existing ? `${existing.description}; ${code}` : `${code}: ${message}`,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }

    paths[spec.path] ??= {};
    paths[spec.path]![spec.method] = {
      summary: spec.summary,
      tags: spec.tags,
      operationId: `${spec.method}${spec.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      security: SECURITY[spec.security],
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(spec.body, 'input') } },
            },
          }
        : {}),
      ...(spec.requestBodies
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                Object.entries(spec.requestBodies).map(([type, schema]) => [
                  type,
                  { schema: toSchema(schema, 'input') },
                ]),
              ),
            },
          }
        : {}),
      responses,
    };
  }

  toSchema(errorEnvelopeSchema, 'output'); // registers components.Error (the schema carries meta id 'Error')
  return {
    openapi: '3.1.0',
    info,
    ...(tags ? { tags: tags.map((tag) => ({ ...tag })) } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
        BearerAuth: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer sm_...' },
        SessionCookie: { type: 'apiKey', in: 'cookie', name: 'platen_session' },
      },
    },
  };
}
