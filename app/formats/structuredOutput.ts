/**
 * Anthropic's structured outputs for non-Anthropic targets: `output_config.format` (or
 * `output_format`, the beta spelling Anthropic still takes during its transition) as the hub's
 * `response_format`, which OpenAI-format targets take as is and geminiTarget.ts turns into
 * `responseMimeType` + `responseSchema`.
 *
 * Anthropic always decodes against the schema; OpenAI does so only with `strict: true`, and then
 * answers 400 to a schema outside its strict subset (an optional property, an open object,
 * `default`, …) where Anthropic accepts it. So `strict` is set only for a schema that fits that
 * subset; any other schema goes with `strict: false`, as guidance the model follows unenforced.
 */
import type { MessagesRequest } from './anthropic.ts';
import type { ResponseFormat } from './openai.ts';

/** OpenAI requires a name; Anthropic's format has none. */
export const RESPONSE_FORMAT_NAME = 'response';

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Keywords OpenAI's strict mode takes. Anything else (`default`, `allOf`, `not`, string and
 * number constraints, which some OpenAI models refuse) makes the schema non-strict.
 */
const STRICT_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema',
  '$ref',
  '$defs',
  'definitions',
  'type',
  'title',
  'description',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'anyOf',
]);

/** Deeper schemas go non-strict: a bound on the recursion, far beyond what OpenAI nests. */
const MAX_DEPTH = 32;

/** Whether every object closes (`additionalProperties: false`) and requires all its properties. */
function fitsStrictNode(node: unknown, depth: number): boolean {
  if (!isSchema(node) || depth > MAX_DEPTH) return false;
  if (Object.keys(node).some((key) => !STRICT_KEYWORDS.has(key))) return false;
  const sub = (value: unknown) => fitsStrictNode(value, depth + 1);
  const properties = node.properties;
  if (properties !== undefined || node.type === 'object') {
    if (node.additionalProperties !== false) return false;
    const names = isSchema(properties) ? Object.keys(properties) : [];
    const required = Array.isArray(node.required) ? node.required : [];
    if (!names.every((name) => required.includes(name))) return false;
    if (isSchema(properties) && !Object.values(properties).every(sub)) return false;
  }
  if (node.items !== undefined && !sub(node.items)) return false;
  if (node.anyOf !== undefined && !(Array.isArray(node.anyOf) && node.anyOf.every(sub)))
    return false;
  for (const defs of [node.$defs, node.definitions]) {
    if (defs !== undefined && !(isSchema(defs) && Object.values(defs).every(sub))) return false;
  }
  return true;
}

/** Whether OpenAI's strict mode takes `schema`: an object at the root, and every node in its subset. */
export function fitsOpenAiStrict(schema: Schema): boolean {
  return schema.type === 'object' && fitsStrictNode(schema, 0);
}

/**
 * The `response_format` for a Messages request's structured output, or undefined when it asks
 * for none (or for a format type Switchyard does not know).
 */
export function anthropicResponseFormat(req: MessagesRequest): ResponseFormat | undefined {
  const config = req.output_config;
  const format =
    isSchema(config) && config.format !== undefined ? config.format : req.output_format;
  if (!isSchema(format) || format.type !== 'json_schema' || !isSchema(format.schema))
    return undefined;
  return {
    type: 'json_schema',
    json_schema: {
      name: RESPONSE_FORMAT_NAME,
      schema: format.schema,
      strict: fitsOpenAiStrict(format.schema),
    },
  };
}
