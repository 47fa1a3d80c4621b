/**
 * OpenAI's format on the wire: the error body OpenAI SDKs understand (whole, or as the `data:`
 * line that ends a stream), the encoding of a translated chunk, and the reading of an upstream
 * stream's `data:` payloads, in-band errors included.
 */
import { malformedStream, type StreamError } from './common.ts';
import { looksLikeObject, rareKeysPattern } from './jsonScan.ts';
import type { ChatCompletionChunk, OpenAiStreamItem } from './openai.ts';
import { encodeSseEvent } from './sse.ts';

/** The body of an OpenAI-format error response. */
export function openAiErrorBody(
  message: string,
  type: string,
  code?: string | null,
  param?: string | null,
): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return { error: { message, type, param: param ?? null, code: code ?? null } };
}

/**
 * The JSON for a `data:` line that ends a stream with an error. The official SDKs throw an
 * APIError when a data payload has an `error` key, so a client sees a failure, not a short answer.
 */
export function openAiStreamErrorData(message: string, type: string, code?: string | null): string {
  return JSON.stringify(openAiErrorBody(message, type, code));
}

/** The final line of an OpenAI stream. */
export const OPENAI_DONE = 'data: [DONE]\n\n';

/** Encodes a translated chunk, or a stream error as the `data:` line OpenAI SDKs throw on. */
export function encodeOpenAiStreamItem(item: OpenAiStreamItem): string {
  const data =
    'kind' in item
      ? openAiStreamErrorData(item.message, item.type, item.code)
      : JSON.stringify(item);
  return encodeSseEvent({ data });
}

const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  rate_limit_error: 429,
  insufficient_quota: 429,
  service_unavailable_error: 503,
};

/**
 * Reads one `data:` payload of an upstream OpenAI-format stream: a chunk, an in-band error
 * (OpenAI, OpenRouter and others send `{"error":{...}}` after HTTP 200), or `done` for `[DONE]`.
 * Only the envelope is checked; the chunk's fields are trusted as the vendor sent them.
 */
export function parseOpenAiStreamData(data: string): ChatCompletionChunk | StreamError | 'done' {
  if (data === '[DONE]') return 'done';
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return malformedStream('OpenAI-format');
  }
  if (typeof value !== 'object' || value === null) return malformedStream('OpenAI-format');
  const record = value as Record<string, unknown>;
  if (record.error !== undefined && record.error !== null) {
    const error = (typeof record.error === 'object' ? record.error : {}) as Record<string, unknown>;
    const type = typeof error.type === 'string' ? error.type : 'server_error';
    const code = error.code;
    return {
      kind: 'error',
      status: STATUS_BY_TYPE[type] ?? (typeof code === 'number' ? code : 500),
      type,
      message: typeof error.message === 'string' ? error.message : 'Upstream stream error',
      code: typeof code === 'string' ? code : null,
    };
  }
  if (!Array.isArray(record.choices) || !record.choices.every(isChoiceShaped)) {
    return malformedStream('OpenAI-format');
  }
  return value as ChatCompletionChunk;
}

/** A streamed choice as the translators read it: an object whose delta, if any, is an object with array tool calls. */
function isChoiceShaped(choice: unknown): boolean {
  if (typeof choice !== 'object' || choice === null) return false;
  const delta = (choice as { delta?: unknown }).delta;
  if (delta === undefined || delta === null) return true;
  if (typeof delta !== 'object') return false;
  const calls = (delta as { tool_calls?: unknown }).tool_calls;
  return calls === undefined || calls === null || Array.isArray(calls);
}

/**
 * Whether one `data:` payload of an OpenAI-format stream is an ordinary chunk, told without
 * parsing it: an object with no error, no usage and no finish reason. A same-format relay
 * forwards such a chunk as it came and parses only the others (`parseOpenAiStreamData`), so a
 * stream costs a scan per chunk, not a parse.
 */
export function isOrdinaryOpenAiChunk(data: string): boolean {
  return looksLikeObject(data) && !OPENAI_MARKERS.test(data);
}

/**
 * `isOrdinaryOpenAiChunk` for a run of `data: {...}` blocks (`SseParser.blocksOrRun`), told with one
 * scan of the run: a key found anywhere in it makes the relay look at its events one by one.
 */
export function isOrdinaryOpenAiRun(run: string): boolean {
  return !OPENAI_MARKERS.test(run);
}

const OPENAI_MARKERS = rareKeysPattern(['error', 'usage', 'finish_reason']);
