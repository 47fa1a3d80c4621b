/**
 * JSON Schema (as OpenAI tools and `response_format` carry it) → the OpenAPI subset Gemini's
 * `Schema` accepts for `functionDeclarations[].parameters` and `responseSchema`.
 *
 * Kept: type (upper-cased), description, nullable, enum (strings only), format (only the ones
 * Gemini accepts for the type), properties, required (names that exist), items, anyOf,
 * minItems, maxItems, minProperties, maxProperties, minLength, maxLength, pattern, minimum,
 * maximum, propertyOrdering.
 * Rewritten: a missing type is inferred from `properties` (OBJECT) or `items` (ARRAY); local
 * `$ref`s into `$defs`/`definitions` are inlined (a recursive reference stops at a bare
 * OBJECT); `type: [T, "null"]` and `anyOf` with a null branch become `nullable`; `oneOf`
 * becomes `anyOf`; `allOf` is merged; `const` becomes a one-value `enum`.
 * Dropped (Gemini answers 400 "Unknown name" or "Invalid JSON payload" to them): `$schema`,
 * `$id`, `$defs`, `definitions`, `additionalProperties`, `default`, `examples`, `title`,
 * `strict`, `not`, `if`/`then`/`else`, `patternProperties` and every other key not listed above;
 * empty `properties` (Gemini refuses an OBJECT with an empty `properties` map).
 */

type Schema = Record<string, unknown>;

const COPIED = [
  'description',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'propertyOrdering',
] as const;

const FORMATS: Record<string, ReadonlySet<string>> = {
  STRING: new Set(['enum', 'date-time']),
  NUMBER: new Set(['float', 'double']),
  INTEGER: new Set(['int32', 'int64']),
};

const MAX_DEPTH = 32;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Context = { defs: Schema; refs: Set<string>; depth: number };

function resolveRef(ref: string, ctx: Context): Schema | null {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (match === null) return null;
  const target = ctx.defs[decodeURIComponent(match[1] ?? '').replaceAll('~1', '/')];
  return isSchema(target) ? target : null;
}

function mergeAllOf(schema: Schema, parts: unknown[]): Schema {
  const merged: Schema = { ...schema };
  delete merged.allOf;
  const properties: Schema = isSchema(schema.properties) ? { ...schema.properties } : {};
  const required = new Set<unknown>(Array.isArray(schema.required) ? schema.required : []);
  for (const part of parts) {
    if (!isSchema(part)) continue;
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isSchema(value)) Object.assign(properties, value);
      else if (key === 'required' && Array.isArray(value)) for (const r of value) required.add(r);
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function convert(input: Schema, ctx: Context): Schema {
  if (ctx.depth > MAX_DEPTH) return { type: 'OBJECT' };
  let schema = input;
  if (typeof schema.$ref === 'string') {
    const ref = schema.$ref;
    const target = ctx.refs.has(ref) ? null : resolveRef(ref, ctx);
    if (target === null) return { type: 'OBJECT' };
    const inner: Context = {
      defs: ctx.defs,
      refs: new Set(ctx.refs).add(ref),
      depth: ctx.depth + 1,
    };
    const { $ref: _ref, ...rest } = schema;
    return convert({ ...target, ...rest }, inner);
  }
  if (Array.isArray(schema.allOf)) schema = mergeAllOf(schema, schema.allOf);
  const next: Context = { ...ctx, depth: ctx.depth + 1 };
  const out: Schema = {};
  let nullable = schema.nullable === true;

  let types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes('null')) {
    nullable = true;
    types = types.filter((t) => t !== 'null');
  }
  const branches = (Array.isArray(schema.anyOf) ? schema.anyOf : schema.oneOf) as unknown;
  if (Array.isArray(branches)) {
    const kept = branches.filter((b) => !(isSchema(b) && b.type === 'null'));
    if (kept.length < branches.length) nullable = true;
    if (kept.length === 1 && isSchema(kept[0])) {
      const { anyOf: _a, oneOf: _o, ...rest } = schema;
      const single = convert({ ...rest, ...kept[0] }, next);
      if (nullable) single.nullable = true;
      return single;
    }
    out.anyOf = kept.filter(isSchema).map((b) => convert(b, next));
  } else if (types.length > 1) {
    out.anyOf = types.map((t) => convert({ ...schema, type: t, nullable: false }, next));
    types = [];
  }

  let type = typeof types[0] === 'string' ? types[0].toUpperCase() : undefined;
  if (type === undefined && out.anyOf === undefined) {
    if (isSchema(schema.properties)) type = 'OBJECT';
    else if (schema.items !== undefined) type = 'ARRAY';
  }
  if (type !== undefined) out.type = type;
  if (nullable) out.nullable = true;
  for (const key of COPIED) if (schema[key] !== undefined) out[key] = schema[key];

  const allowedFormats = type === undefined ? undefined : FORMATS[type];
  if (typeof schema.format === 'string' && allowedFormats?.has(schema.format)) {
    out.format = schema.format;
  }
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) {
    out.enum = schema.enum;
    out.type ??= 'STRING';
  } else if (typeof schema.const === 'string') {
    out.enum = [schema.const];
    out.type ??= 'STRING';
  }
  if (isSchema(schema.properties)) {
    const properties: Schema = {};
    for (const [name, value] of Object.entries(schema.properties)) {
      if (isSchema(value)) properties[name] = convert(value, next);
    }
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      if (Array.isArray(schema.required)) {
        const required = schema.required.filter(
          (name): name is string => typeof name === 'string' && name in properties,
        );
        if (required.length > 0) out.required = required;
      }
    }
  }
  const items = Array.isArray(schema.items) ? schema.items[0] : schema.items;
  if (isSchema(items)) out.items = convert(items, next);
  return out;
}

/** Converts a JSON Schema to Gemini's `Schema`; see the module comment for what changes. */
export function toGeminiSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const defs: Schema = {
    ...(isSchema(schema.definitions) ? schema.definitions : {}),
    ...(isSchema(schema.$defs) ? schema.$defs : {}),
  };
  return convert(schema, { defs, refs: new Set(), depth: 0 });
}

/** Whether a converted schema is an OBJECT without properties (Gemini wants it left out). */
export function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  return schema.type === 'OBJECT' && schema.properties === undefined && schema.anyOf === undefined;
}
