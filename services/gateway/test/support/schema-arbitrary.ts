// fast-check arbitraries for request inputs, generated from the routes' own zod schemas (through
// z.toJSONSchema): mostly values of the declared shape, so the handlers behind validation are
// reached, mixed with hostile ones: a field replaced by anything, a required field dropped, an
// unknown field added, wrong types at the top. Only the JSON Schema features our schemas use.
import fc from 'fast-check';
import { z } from 'zod';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  additionalProperties?: boolean | JsonSchema;
};

/** Text Postgres cannot store: a NUL or an unpaired UTF-16 surrogate somewhere in it. */
export const unstorableText = fc
  .tuple(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800'),
    fc.string({ maxLength: 12 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

/** A value nested `levels` deep (objects and arrays by turns). */
export const deeplyNested = fc.integer({ min: 20, max: 400 }).map((levels) => {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level++) value = level % 2 ? [value] : { a: value };
  return value;
});

const hostile = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  unstorableText,
  deeplyNested,
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '<script>',
    'NaN',
    '-1',
    '9'.repeat(40),
    '\u{1F600}',
  ),
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53, 0.5),
  fc.string({ maxLength: 300 }),
);

const DEPTH_LIMIT = 6;

/** Values known to reach past validation for fields of these names (real mockup ids and the like). */
export type FieldHints = Record<string, fc.Arbitrary<unknown>>;

function fromSchema(
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  depth: number,
  hints: FieldHints,
): fc.Arbitrary<unknown> {
  if (depth > DEPTH_LIMIT) return fc.constant(null);
  if (schema.$ref) {
    const name = schema.$ref.replace(/^#\/\$defs\//, '');
    const target = defs[name];
    return target ? fromSchema(target, defs, depth + 1, hints) : hostile;
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives)
    return fc.oneof(...alternatives.map((option) => fromSchema(option, defs, depth + 1, hints)));
  if (schema.allOf?.length) return fromSchema(schema.allOf[0]!, defs, depth + 1, hints);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) {
        const generated = fromSchema(property, defs, depth + 1, hints);
        const hint = hints[name];
        shape[name] = hint
          ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: generated })
          : generated;
      }
      return fc.record(shape, { requiredKeys: [...required].filter((name) => name in shape) });
    }
    case 'array': {
      if (schema.prefixItems)
        return fc.tuple(...schema.prefixItems.map((item) => fromSchema(item, defs, depth + 1, hints)));
      return fc.array(schema.items ? fromSchema(schema.items, defs, depth + 1, hints) : hostile, {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    }
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'uri') return fc.webUrl();
      if (schema.format === 'email') return fc.emailAddress();
      if (schema.format === 'date-time')
        return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
      return fc.oneof(
        {
          weight: 6,
          arbitrary: fc.string({
            minLength: schema.minLength ?? 0,
            maxLength: Math.min(schema.maxLength ?? 40, 60),
          }),
        },
        { weight: 1, arbitrary: unstorableText },
      );
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1_000_000, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return hostile;
  }
}

/** Turns one generated object into a hostile variant of itself. */
function mutate(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fc.oneof(fc.constant(value), hostile);
  const keys = Object.keys(value);
  const variants: Array<fc.Arbitrary<unknown>> = [
    fc.constant(value),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 12 }), hostile)
      .map(([key, extra]) => ({ ...value, [key]: extra })),
  ];
  if (keys.length > 0) {
    variants.push(
      fc
        .tuple(fc.constantFrom(...keys), hostile)
        .map(([key, replacement]) => ({ ...value, [key]: replacement })),
      fc.constantFrom(...keys).map((key) => {
        const { [key]: _dropped, ...rest } = value as Record<string, unknown>;
        return rest;
      }),
    );
  }
  return fc.oneof(...variants);
}

/** Inputs for a request part declared by `schema`: shaped values, mutated ones and junk. */
export function inputArbitrary(schema: z.ZodType, hints: FieldHints = {}): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const shaped = fromSchema(json, json.$defs ?? {}, 0, hints);
  return fc.oneof(
    { weight: 3, arbitrary: shaped },
    { weight: 4, arbitrary: shaped.chain(mutate) },
    { weight: 1, arbitrary: hostile },
  );
}

/** Query strings: the declared parameters with shaped or hostile values, as strings. */
export function queryArbitrary(schema: z.ZodType | undefined): fc.Arbitrary<Record<string, string>> {
  const declared = schema
    ? Object.keys(
        (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema).properties ?? {},
      )
    : [];
  const names = [...declared, 'cursor', 'limit', 'x'];
  return fc.dictionary(
    fc.constantFrom(...names),
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.integer().map(String),
      fc.constantFrom('', '-1', '1e9', 'true', '%00'),
      unstorableText,
    ),
    { maxKeys: 4 },
  );
}
