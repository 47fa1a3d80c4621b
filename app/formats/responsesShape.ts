/**
 * A Responses API body checked by hand, field by field as `ResponsesRequestSchema` checks it, so
 * the body is used as it came: the schema (loose objects, no defaults, no transforms) would copy
 * every input item, which for Codex's long histories is most of the body. Whatever it does not
 * take is left to the schema, which words the error.
 */
import {
  atLeast,
  isBoolean,
  isNumber,
  isObject,
  isOptionalString,
  isString,
  nullish,
  optional,
  type Json,
  fieldsPass,
  type FieldChecks,
} from './shapeChecks.ts';

// Checks run per item or tool are made once (isOptionalString), not per call (optional(isString)).
const isItem = (value: unknown) =>
  isObject(value) && isOptionalString(value.type) && isOptionalString(value.role);
const isInput = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.every(isItem));
const isTool = (value: unknown) =>
  isObject(value) && typeof value.type === 'string' && isOptionalString(value.name);
const isTyped = (value: unknown) => isObject(value) && typeof value.type === 'string';
const isToolChoice = (value: unknown) => typeof value === 'string' || isTyped(value);
const isText = (value: unknown) => isObject(value) && nullish(isTyped)(value.format);
const isReasoning = (value: unknown) =>
  isObject(value) && nullish(isString)(value.effort) && nullish(isString)(value.summary);
const isStrings = (value: unknown) => Array.isArray(value) && value.every(isString);
const isMetadata = (value: unknown) => isObject(value) && Object.values(value).every(isString);

/** The request's own fields the schema names, each with the check the schema makes. */
const FIELDS: FieldChecks = new Map(
  Object.entries({
    input: optional(isInput),
    instructions: nullish(isString),
    previous_response_id: nullish(isString),
    stream: nullish(isBoolean),
    store: nullish(isBoolean),
    tools: nullish((value) => Array.isArray(value) && value.every(isTool)),
    tool_choice: nullish(isToolChoice),
    parallel_tool_calls: nullish(isBoolean),
    text: nullish(isText),
    reasoning: nullish(isReasoning),
    max_output_tokens: nullish(atLeast(1)),
    temperature: nullish(isNumber),
    top_p: nullish(isNumber),
    user: nullish(isString),
    include: nullish(isStrings),
    prompt_cache_key: nullish(isString),
    metadata: nullish(isMetadata),
  }),
);

/** Whether a Responses body passes the schema as it is: a non-empty model, every field it names right. */
export function isResponsesRequest(body: Json): boolean {
  const { model } = body;
  if (typeof model !== 'string' || model === '') return false;
  return fieldsPass(body, FIELDS);
}
