/**
 * A Messages body (and a token count's) checked by hand, field by field and block by block as
 * `MessagesRequestSchema` checks it, so the body is used as it came: the schema copies every
 * object it checks, twice for a block of a known type (once in the open union, once in the
 * union it checks that block against), which for Claude Code's agent bodies (hundreds of KB of
 * system blocks, tools and tool results) allocated twice what parsing the JSON did. Whatever it
 * does not take is left to the schema, which words the error.
 *
 * The checks are plain functions over the value, none made per call: this runs once per block.
 */
import {
  isInt,
  isNullishString,
  isNumber,
  isObject,
  isOptionalBoolean,
  isOptionalString,
  isString,
  type Json,
  fieldsPass,
  hasModelAndMessages,
  type FieldChecks,
} from './shapeChecks.ts';

const isStringArray = (value: unknown) => Array.isArray(value) && value.every(isString);

const isCacheControl = (value: unknown) =>
  value === undefined || value === null || (isObject(value) && typeof value.type === 'string');

const isText = (block: Json) =>
  typeof block.text === 'string' && isCacheControl(block.cache_control);

function isImageSource(source: unknown): boolean {
  if (!isObject(source)) return false;
  switch (source.type) {
    case 'base64':
      return typeof source.media_type === 'string' && typeof source.data === 'string';
    case 'url':
      return typeof source.url === 'string';
    case 'file':
      return typeof source.file_id === 'string';
    default:
      return false;
  }
}

const isImage = (block: Json) => isImageSource(block.source) && isCacheControl(block.cache_control);

function isDocument(block: Json): boolean {
  const { source } = block;
  return (
    isObject(source) &&
    typeof source.type === 'string' &&
    isOptionalString(source.media_type) &&
    isOptionalString(source.data) &&
    isOptionalString(source.url) &&
    isNullishString(block.title)
  );
}

/** A block of a tool result's content: any typed object, checked where its type is modelled. */
function isToolResultPart(part: unknown): boolean {
  if (!isObject(part)) return false;
  switch (part.type) {
    case 'text':
      return isText(part);
    case 'image':
      return isImage(part);
    case 'document':
      return isDocument(part);
    default:
      return typeof part.type === 'string';
  }
}

function isToolResult(block: Json): boolean {
  const { content } = block;
  return (
    typeof block.tool_use_id === 'string' &&
    (content === undefined ||
      typeof content === 'string' ||
      (Array.isArray(content) && content.every(isToolResultPart))) &&
    isOptionalBoolean(block.is_error)
  );
}

/** A message's content block: any typed object (the set is open), checked where its type is modelled. */
function isBlock(block: unknown): boolean {
  if (!isObject(block)) return false;
  switch (block.type) {
    case 'text':
      return isText(block);
    case 'image':
      return isImage(block);
    case 'document':
      return isDocument(block);
    case 'tool_use':
      // `input` may hold anything, but the schema wants the key there.
      return typeof block.id === 'string' && typeof block.name === 'string' && 'input' in block;
    case 'tool_result':
      return isToolResult(block);
    case 'thinking':
      return typeof block.thinking === 'string' && typeof block.signature === 'string';
    case 'redacted_thinking':
      return typeof block.data === 'string';
    default:
      return typeof block.type === 'string';
  }
}

function isMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  const { role, content } = message;
  return (
    (role === 'user' || role === 'assistant' || role === 'system') &&
    (typeof content === 'string' || (Array.isArray(content) && content.every(isBlock)))
  );
}

const isSystemBlock = (block: unknown) => isObject(block) && block.type === 'text' && isText(block);

function isTool(tool: unknown): boolean {
  if (!isObject(tool)) return false;
  const { name, type, input_schema } = tool;
  return (
    typeof name === 'string' &&
    name !== '' &&
    isNullishString(type) &&
    isOptionalString(tool.description) &&
    (input_schema === undefined ? (type ?? 'custom') !== 'custom' : isObject(input_schema))
  );
}

function isToolChoice(choice: unknown): boolean {
  if (!isObject(choice)) return false;
  switch (choice.type) {
    case 'auto':
    case 'any':
      return isOptionalBoolean(choice.disable_parallel_tool_use);
    case 'tool':
      return typeof choice.name === 'string' && isOptionalBoolean(choice.disable_parallel_tool_use);
    case 'none':
      return true;
    default:
      return false;
  }
}

/** The request's own fields the schema names but does not require, each with the check it makes. */
const FIELDS: FieldChecks = new Map(
  Object.entries({
    system: (value: unknown) =>
      value === undefined ||
      typeof value === 'string' ||
      (Array.isArray(value) && value.every(isSystemBlock)),
    tools: (value: unknown) => value === undefined || (Array.isArray(value) && value.every(isTool)),
    tool_choice: (value: unknown) => value === undefined || isToolChoice(value),
    stop_sequences: (value: unknown) => value === undefined || isStringArray(value),
    temperature: (value: unknown) => value === undefined || isNumber(value),
    top_p: (value: unknown) => value === undefined || isNumber(value),
    top_k: (value: unknown) => value === undefined || isInt(value),
    stream: isOptionalBoolean,
    metadata: (value: unknown) =>
      value === undefined || (isObject(value) && isNullishString(value.user_id)),
    thinking: (value: unknown) =>
      value === undefined ||
      (isObject(value) &&
        typeof value.type === 'string' &&
        (value.budget_tokens === undefined || isInt(value.budget_tokens))),
  }),
);

/** Whether a token count's body passes `CountTokensRequestSchema` as it is. */
export function isCountTokensRequest(body: Json): boolean {
  return hasModelAndMessages(body, isMessage) && fieldsPass(body, FIELDS);
}

/** Whether a Messages body passes `MessagesRequestSchema` as it is: a token count's, with `max_tokens`. */
export function isMessagesRequest(body: Json): boolean {
  const { max_tokens } = body;
  return isInt(max_tokens) && (max_tokens as number) > 0 && isCountTokensRequest(body);
}
