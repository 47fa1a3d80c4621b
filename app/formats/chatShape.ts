/**
 * A Chat Completions body checked by hand, field by field and message by message as
 * `ChatCompletionRequestSchema` checks it, so the body is used as it came: the schema copies
 * every object it checks (zod v4 has no in-place parse), 2.3 KB and 1.4 µs for a one-message
 * body, and for an agent's body (function tools, tool calls, tool messages, content parts) about
 * 1.5 times what parsing its JSON allocated. Whatever it does not take is left to the schema,
 * which words the error.
 *
 * The checks are plain functions over the value, none made per call: this runs once per message.
 */
import {
  isInt,
  isNullishBoolean,
  isNullishString,
  isNumber,
  isObject,
  isOptionalString,
  isString,
  type Json,
  fieldsPass,
  hasModelAndMessages,
  type FieldChecks,
} from './shapeChecks.ts';

/** z.int().positive() (a token count), or absent or null. */
const isNullishCount = (value: unknown) =>
  value === undefined || value === null || (isInt(value) && (value as number) >= 1);
const isNullishNumber = (value: unknown) =>
  value === undefined || value === null || isNumber(value);
const isNullishInt = (value: unknown) => value === undefined || value === null || isInt(value);

const isTextPart = (part: unknown) =>
  isObject(part) && part.type === 'text' && typeof part.text === 'string';
const isTextContent = (content: unknown) =>
  typeof content === 'string' || (Array.isArray(content) && content.every(isTextPart));

function isUserPart(part: unknown): boolean {
  if (!isObject(part)) return false;
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string';
    case 'image_url': {
      const image = part.image_url;
      return (
        isObject(image) &&
        typeof image.url === 'string' &&
        image.url !== '' &&
        isOptionalString(image.detail)
      );
    }
    case 'input_audio': {
      const audio = part.input_audio;
      return isObject(audio) && typeof audio.data === 'string' && typeof audio.format === 'string';
    }
    case 'file': {
      const file = part.file;
      return (
        isObject(file) &&
        isOptionalString(file.file_data) &&
        isOptionalString(file.file_id) &&
        isOptionalString(file.filename)
      );
    }
    default:
      return false;
  }
}

const isAssistantPart = (part: unknown) =>
  isObject(part) &&
  ((part.type === 'text' && typeof part.text === 'string') ||
    (part.type === 'refusal' && typeof part.refusal === 'string'));

function isToolCall(call: unknown): boolean {
  if (!isObject(call)) return false;
  const fn = call.function;
  return (
    typeof call.id === 'string' &&
    call.type === 'function' &&
    isObject(fn) &&
    typeof fn.name === 'string' &&
    typeof fn.arguments === 'string'
  );
}

function isAssistantMessage(message: Json): boolean {
  const { content, tool_calls } = message;
  return (
    (content === undefined ||
      content === null ||
      typeof content === 'string' ||
      (Array.isArray(content) && content.every(isAssistantPart))) &&
    (tool_calls === undefined ||
      tool_calls === null ||
      (Array.isArray(tool_calls) && tool_calls.every(isToolCall))) &&
    isNullishString(message.refusal) &&
    isOptionalString(message.name)
  );
}

function isMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  const { content } = message;
  switch (message.role) {
    case 'system':
    case 'developer':
      return isTextContent(content) && isOptionalString(message.name);
    case 'user':
      return (
        (typeof content === 'string' || (Array.isArray(content) && content.every(isUserPart))) &&
        isOptionalString(message.name)
      );
    case 'assistant':
      return isAssistantMessage(message);
    case 'tool':
      return isTextContent(content) && typeof message.tool_call_id === 'string';
    case 'function':
      return typeof message.name === 'string' && (content === null || typeof content === 'string');
    default:
      return false;
  }
}

/** z.record(z.string(), z.unknown()), or absent. */
const isOptionalRecord = (value: unknown) => value === undefined || isObject(value);
const isNamed = (value: unknown) => isObject(value) && typeof value.name === 'string';

function isTool(tool: unknown): boolean {
  if (!isObject(tool)) return false;
  switch (tool.type) {
    case 'function': {
      const fn = tool.function;
      return (
        isObject(fn) &&
        typeof fn.name === 'string' &&
        fn.name !== '' &&
        isOptionalString(fn.description) &&
        isOptionalRecord(fn.parameters) &&
        isNullishBoolean(fn.strict)
      );
    }
    case 'custom':
      return isNamed(tool.custom);
    default:
      return false;
  }
}

const isNamedFunction = (value: unknown) =>
  isObject(value) && value.type === 'function' && isNamed(value.function);

function isToolChoice(choice: unknown): boolean {
  if (choice === 'none' || choice === 'auto' || choice === 'required') return true;
  if (!isObject(choice)) return false;
  switch (choice.type) {
    case 'function':
      return isNamed(choice.function);
    case 'allowed_tools': {
      const allowed = choice.allowed_tools;
      return (
        isObject(allowed) &&
        (allowed.mode === 'auto' || allowed.mode === 'required') &&
        Array.isArray(allowed.tools) &&
        allowed.tools.every(isNamedFunction)
      );
    }
    case 'custom':
      return isNamed(choice.custom);
    default:
      return false;
  }
}

function isResponseFormat(format: unknown): boolean {
  if (!isObject(format)) return false;
  switch (format.type) {
    case 'text':
    case 'json_object':
      return true;
    case 'json_schema': {
      const schema = format.json_schema;
      return (
        isObject(schema) &&
        typeof schema.name === 'string' &&
        isOptionalString(schema.description) &&
        isOptionalRecord(schema.schema) &&
        isNullishBoolean(schema.strict)
      );
    }
    default:
      return false;
  }
}

/** The request's own fields the schema names but does not require, each with the check it makes. */
const FIELDS: FieldChecks = new Map(
  Object.entries({
    stream: isNullishBoolean,
    stream_options: (value: unknown) =>
      value === undefined ||
      value === null ||
      (isObject(value) &&
        (value.include_usage === undefined || typeof value.include_usage === 'boolean')),
    max_tokens: isNullishCount,
    max_completion_tokens: isNullishCount,
    temperature: isNullishNumber,
    top_p: isNullishNumber,
    n: isNullishCount,
    stop: (value: unknown) =>
      isNullishString(value) || (Array.isArray(value) && value.every(isString)),
    tools: (value: unknown) =>
      value === undefined || value === null || (Array.isArray(value) && value.every(isTool)),
    tool_choice: (value: unknown) => value === undefined || value === null || isToolChoice(value),
    parallel_tool_calls: isNullishBoolean,
    response_format: (value: unknown) =>
      value === undefined || value === null || isResponseFormat(value),
    user: isNullishString,
    seed: isNullishInt,
    presence_penalty: isNullishNumber,
    frequency_penalty: isNullishNumber,
    logprobs: isNullishBoolean,
    top_logprobs: isNullishInt,
    logit_bias: (value: unknown) =>
      value === undefined ||
      value === null ||
      (isObject(value) && Object.values(value).every(isNumber)),
    reasoning_effort: isNullishString,
  }),
);

/** Whether a Chat Completions body passes the schema as it is: a non-empty model, valid messages, every field it names right. */
export function isChatRequest(body: Json): boolean {
  return hasModelAndMessages(body, isMessage) && fieldsPass(body, FIELDS);
}
