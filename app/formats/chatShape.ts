/**
 * The common shape of a Chat Completions body, checked by hand: text messages and scalar
 * options. Parsing with `ChatCompletionRequestSchema` copies every object it checks (zod v4 has
 * no in-place parse), 2.3 KB and 1.4 µs for a one-message body; a body of this shape needs no
 * copy. It accepts only what the schema accepts; anything else (content parts, tools, a field
 * of the wrong type) is left to the schema, which words the error.
 */

import {
  atLeast,
  isBoolean,
  isInt,
  isNumber,
  isObject,
  isString,
  nullish,
  optional,
  type Json,
} from './shapeChecks.ts';

const isStop = (value: unknown) =>
  typeof value === 'string' || (Array.isArray(value) && value.every(isString));
const isStreamOptions = (value: unknown) =>
  isObject(value) && optional(isBoolean)(value.include_usage);
/** A field the hand check leaves to the schema whenever it is there. */
const absent = (value: unknown) => value === undefined || value === null;

/** The request's own fields the schema names, each with the check the schema makes. */
const FIELDS: ReadonlyMap<string, (value: unknown) => boolean> = new Map(
  Object.entries({
    stream: nullish(isBoolean),
    stream_options: nullish(isStreamOptions),
    max_tokens: nullish(atLeast(1)),
    max_completion_tokens: nullish(atLeast(1)),
    temperature: nullish(isNumber),
    top_p: nullish(isNumber),
    n: nullish(atLeast(1)),
    stop: nullish(isStop),
    tools: absent,
    tool_choice: absent,
    parallel_tool_calls: nullish(isBoolean),
    response_format: absent,
    user: nullish(isString),
    seed: nullish(isInt),
    presence_penalty: nullish(isNumber),
    frequency_penalty: nullish(isNumber),
    logprobs: nullish(isBoolean),
    top_logprobs: nullish(isInt),
    logit_bias: absent,
    reasoning_effort: nullish(isString),
  }),
);

/** A message whose content is plain text (null for an assistant's), as each role's schema takes it. */
function isTextMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  const { role, content } = message;
  switch (role) {
    case 'system':
    case 'developer':
    case 'user':
      return typeof content === 'string' && optional(isString)(message.name);
    case 'assistant':
      return (
        (content === undefined || content === null || typeof content === 'string') &&
        absent(message.tool_calls) &&
        nullish(isString)(message.refusal) &&
        optional(isString)(message.name)
      );
    case 'tool':
      return typeof content === 'string' && typeof message.tool_call_id === 'string';
    default:
      return false;
  }
}

/**
 * Whether a Chat Completions body has the common shape, which the schema accepts as it is: a
 * non-empty model, non-empty text messages, scalar options of the right types. Fields the schema
 * does not name are kept whatever they hold, as the schema's loose objects keep them.
 */
export function isCommonChatRequest(body: Json): boolean {
  const { model, messages } = body;
  if (typeof model !== 'string' || model === '') return false;
  if (!Array.isArray(messages) || messages.length === 0 || !messages.every(isTextMessage))
    return false;
  for (const key in body) {
    const check = FIELDS.get(key);
    if (check !== undefined && !check(body[key])) return false;
  }
  return true;
}
