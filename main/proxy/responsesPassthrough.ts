/**
 * Responses caller, Responses-speaking target (a catalog provider with `responsesApi`): the body
 * goes up as sent (include, reasoning items with encrypted content, store, prompt_cache_key and
 * all) with the target's model name; the answer comes back untouched. `previous_response_id` was
 * expanded at the edge from Switchyard's own store, so the target never sees it.
 */
import type { Provider } from '../../app/catalog/schema.ts';
import { malformedStream, type StreamError } from '../../app/formats/common.ts';
import { looksLikeObject } from '../../app/formats/jsonScan.ts';
import type { ResponsesRequest } from '../../app/formats/responses.ts';
import type { SseEvent } from '../../app/formats/sse.ts';
import { conversationOf } from '../../app/formats/responses.ts';
import { encodeResponsesEvent } from '../../app/formats/responsesStream.ts';
import type { HubRequest } from './adapter.ts';
import type { UsageCounts } from '../engine/capacityGate.ts';
import type { Codec, DecodedBody } from './codec.ts';
import { passthrough, withModel } from './passthrough.ts';
import { parseJson, passthroughRelay, tokenCount } from './relays.ts';

type ResponsesUsage = {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
};

function usageOf(usage: ResponsesUsage | null | undefined): UsageCounts {
  const cached = tokenCount(usage?.input_tokens_details?.cached_tokens);
  return {
    tokensIn: tokenCount(usage?.input_tokens),
    tokensOut: tokenCount(usage?.output_tokens),
    ...(cached > 0 ? { tokensCached: cached } : {}),
  };
}

function failure(error: unknown, status = 500): StreamError {
  const e = (error ?? {}) as { message?: unknown; code?: unknown; type?: unknown };
  return {
    kind: 'error',
    status,
    type: typeof e.type === 'string' ? e.type : 'server_error',
    message: typeof e.message === 'string' ? e.message : 'The provider failed the response.',
    code: typeof e.code === 'string' ? e.code : null,
  };
}

/** A failure after the first byte: `response.failed` then `error`, numbered after the last event. */
function failedEvents(error: StreamError, next: number): string {
  const code = error.code ?? error.type;
  return (
    encodeResponsesEvent({
      type: 'response.failed',
      sequence_number: next,
      response: {
        object: 'response',
        status: 'failed',
        output: [],
        error: { code, message: error.message },
      },
    }) +
    encodeResponsesEvent({
      type: 'error',
      sequence_number: next + 1,
      code,
      message: error.message,
      param: null,
    })
  );
}

/** Events whose type says more than "the answer goes on": read whole. */
const READ_TYPES = new Set([
  'response.created',
  'response.in_progress',
  'response.failed',
  'response.completed',
  'response.incomplete',
  'error',
]);
const SEQUENCE = /"sequence_number"\s*:\s*(\d+)/;

/**
 * An event the relay only forwards (output deltas, items added and done), told without parsing
 * it: named by its `event:` line, and its data an object whose `type`, written first as the
 * Responses API writes it, is that name.
 */
function isOrdinaryResponsesEvent(event: SseEvent): boolean {
  const type = event.event;
  const data = event.data;
  return (
    type !== undefined &&
    !READ_TYPES.has(type) &&
    looksLikeObject(data) &&
    data.startsWith('{"type":"') &&
    data.startsWith(type, 9) &&
    data.charCodeAt(9 + type.length) === 34 /* " */
  );
}

export function responsesPassthrough(req: HubRequest, provider: Provider): Codec {
  const request = req.body as ResponsesRequest;
  const keep = (response: unknown) => {
    if (request.store === false || response === null || typeof response !== 'object') return;
    const r = response as Record<string, unknown>;
    const output = Array.isArray(r.output) ? (r.output as unknown[]) : [];
    req.keepResponse?.(r, conversationOf(request, output));
  };
  const decode = (text: string, value: Record<string, unknown>): DecodedBody => {
    if (value.error !== undefined && value.error !== null)
      return { ok: false, error: failure(value.error) };
    if (value.object !== 'response') return { ok: false, error: malformedStream('upstream') };
    // The target never saw the caller's previous_response_id (expanded here): echo it back.
    const previous = request.previous_response_id;
    const answer = previous ? { ...value, previous_response_id: previous } : value;
    keep(answer);
    return {
      ok: true,
      body: previous ? JSON.stringify(answer) : text,
      usage: usageOf(value.usage as ResponsesUsage | undefined),
    };
  };
  const relay = () => {
    let next = 0;
    /** The last event only scanned: its sequence number is read when a failure needs it. */
    let unread: string | undefined;
    const nextSequence = () => {
      const seen = unread === undefined ? null : SEQUENCE.exec(unread);
      if (seen) next = Number(seen[1]) + 1;
      unread = undefined;
      return next;
    };
    return passthroughRelay(
      (event, usage) => {
        if (isOrdinaryResponsesEvent(event)) {
          unread = event.data;
          return { started: true };
        }
        unread = undefined;
        const data = parseJson(event.data) as
          | {
              type?: unknown;
              sequence_number?: unknown;
              response?: { usage?: ResponsesUsage; error?: unknown };
            }
          | undefined;
        if (data === undefined || typeof data !== 'object' || data === null)
          return { error: malformedStream(provider.name) };
        if (typeof data.sequence_number === 'number') next = data.sequence_number + 1;
        // An error written as Chat Completions writes it, with no event type.
        if (data.type === undefined && 'error' in data)
          return { error: failure((data as { error?: unknown }).error) };
        const type = data.type ?? event.event;
        if (type === 'response.created' || type === 'response.in_progress') return {};
        if (type === 'response.failed') return { error: failure(data.response?.error) };
        if (type === 'error') return { error: failure(data) };
        if (type === 'response.completed' || type === 'response.incomplete') {
          Object.assign(usage, usageOf(data.response?.usage));
          keep(data.response);
          return { started: true, complete: true };
        }
        return { started: true };
      },
      (error) => failedEvents(error, nextSequence()),
    );
  };
  const base = passthrough('/responses', relay, decode);
  return {
    ...base,
    encode: (proxied, model, target) => {
      const body: Record<string, unknown> = { ...proxied.body };
      delete body.previous_response_id;
      return { ok: true, body: withModel(body, model, target) };
    },
  };
}
