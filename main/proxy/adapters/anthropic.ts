/**
 * Anthropic Messages, as a caller (/v1/messages, /v1/messages/count_tokens) and as a target.
 * Same format both sides, the body goes up as sent (beta fields, cache_control and all) with
 * the caller's anthropic-beta header; thinking is signed with the model that wrote it on the way
 * back, and goes up again only to that model (thinkingSignature.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Provider } from '../../../app/catalog/schema.ts';
import {
  anthropicErrorType,
  CountTokensRequestSchema,
  encodeAnthropicEvent,
  MessageResponseSchema,
  MessagesRequestSchema,
  type MessagesRequest,
} from '../../../app/formats/anthropic.ts';
import {
  anthropicToOpenAiRequest,
  openAiToAnthropicResponse,
} from '../../../app/formats/anthropicInbound.ts';
import { isCountTokensRequest, isMessagesRequest } from '../../../app/formats/anthropicShape.ts';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import {
  anthropicToOpenAiResponse,
  openAiToAnthropicRequest,
} from '../../../app/formats/anthropicTarget.ts';
import {
  anthropicStreamError,
  AnthropicToOpenAiStream,
} from '../../../app/formats/anthropicTargetStream.ts';
import { malformedStream, type StreamError } from '../../../app/formats/common.ts';
import { keysPattern, looksLikeObject } from '../../../app/formats/jsonScan.ts';
import { encodeSseEvent } from '../../../app/formats/sse.ts';
import {
  signAnthropicThinking,
  thinkingForAnthropicTarget,
} from '../../../app/formats/thinkingSignature.ts';
import type { ErrorEnvelope } from '../../server/respond.ts';
import type { Adapter } from '../adapter.ts';
import type { UsageCounts } from '../../engine/capacityGate.ts';
import type { Codec, DecodedBody, StreamRelay } from '../codec.ts';
import { passthrough, withModel } from '../passthrough.ts';
import { parseJson, passthroughRelay, tokenCount, type FromOpenAi } from '../relays.ts';
import { betaHeaders } from '../targetExtras.ts';
import { joinUrl } from '../../upstream/url.ts';

/** Anthropic's `{type:'error',error:{type,message}}`, one error type per status. */
export const anthropicErrorBody: ErrorEnvelope = (status, message) => ({
  type: 'error',
  error: { type: anthropicErrorType(status), message },
});

/** The same envelope as an SSE `error` event: how a started stream ends with an error. */
function streamErrorText(error: StreamError): string {
  return encodeAnthropicEvent({
    type: 'error',
    error: { type: anthropicErrorType(error.status), message: error.message },
  });
}

function anthropicCaller(model: string, producer?: string): FromOpenAi {
  const stream = new OpenAiToAnthropicStream({
    model,
    id: `msg_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    ...(producer !== undefined ? { producer } : {}),
  });
  const encode = (events: ReturnType<OpenAiToAnthropicStream['push']>) => {
    let text = '';
    for (const event of events) text += encodeAnthropicEvent(event);
    return text;
  };
  return {
    push: (chunk) => encode(stream.push(chunk)),
    end: (complete) => encode(stream.end(complete)),
    errorText: (error) => encode(stream.push(error)),
  };
}

/** The content events, named by their `event:` line, that carry nothing the engine reads. */
const CONTENT_EVENTS = new Set([
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
]);
/** What thinking signing rewrites: a signature, redacted thinking's data. */
const SIGNED = keysPattern(['signature', 'data']);

/**
 * Anthropic upstream, Anthropic caller: `message_start` and `ping` are not a start; `message_stop`
 * completes it. Content events are scanned, not parsed (framed as an object, and nothing to sign);
 * the others are read, so a malformed one ends the stream with an error instead of reaching the
 * caller's SDK as JSON it cannot parse.
 */
export function anthropicPassthroughRelay(producer?: string): StreamRelay {
  return passthroughRelay((event, usage) => {
    const type = event.event;
    if (
      type !== undefined &&
      CONTENT_EVENTS.has(type) &&
      looksLikeObject(event.data) &&
      (producer === undefined || !SIGNED.test(event.data))
    )
      return { started: true };
    const data = parseJson(event.data);
    if (data === undefined) return { error: malformedStream('Anthropic') };
    if (
      producer !== undefined &&
      (type === 'content_block_start' || type === 'content_block_delta')
    ) {
      const signed = signAnthropicThinking(data, producer);
      if (signed !== null)
        return {
          started: true,
          replace: encodeSseEvent({ event: type, data: JSON.stringify(signed) }),
        };
    }
    if (type === 'ping') return {};
    if (type === 'error')
      return { error: anthropicStreamError((data as { error?: unknown }).error) };
    if (type === 'message_stop') return { started: true, complete: true };
    if (type === 'message_start' || type === 'message_delta') {
      const counts =
        (data as { message?: { usage?: AnthropicCounts }; usage?: AnthropicCounts }).message
          ?.usage ?? (data as { usage?: AnthropicCounts }).usage;
      if (counts?.input_tokens !== undefined) Object.assign(usage, anthropicUsage(counts));
      if (counts?.output_tokens !== undefined) usage.tokensOut = tokenCount(counts.output_tokens);
      return type === 'message_delta' ? { started: true } : {};
    }
    return { started: true };
  }, streamErrorText);
}

type AnthropicCounts = {
  input_tokens?: number;
  output_tokens?: number | undefined;
  cache_read_input_tokens?: number | null | undefined;
  cache_creation_input_tokens?: number | null | undefined;
};

/** Anthropic input usage in our counts: cache reads and writes are input too. */
export function anthropicUsage(
  counts: AnthropicCounts,
): Pick<UsageCounts, 'tokensIn' | 'tokensCached'> {
  const cached = tokenCount(counts.cache_read_input_tokens ?? undefined);
  return {
    tokensIn:
      tokenCount(counts.input_tokens) +
      cached +
      tokenCount(counts.cache_creation_input_tokens ?? undefined),
    ...(cached > 0 ? { tokensCached: cached } : {}),
  };
}

function answeredError(value: unknown): StreamError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  return record.type === 'error' ? anthropicStreamError(record.error) : undefined;
}

function anthropicAnswer(text: string, value: Record<string, unknown>): DecodedBody {
  const failed = answeredError(value);
  if (failed) return { ok: false, error: failed };
  const parsed = MessageResponseSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: malformedStream('upstream') };
  const usage = parsed.data.usage;
  return {
    ok: true,
    body: text,
    usage: { ...anthropicUsage(usage), tokensOut: usage.output_tokens },
  };
}

function anthropicPassthrough(provider: Provider): Codec {
  const producer = (model: string) => `${provider.id}/${model}`;
  const base = passthrough(
    '/v1/messages',
    (): StreamRelay => anthropicPassthroughRelay(),
    anthropicAnswer,
  );
  return {
    ...base,
    encode: (req, model, target) => ({
      ok: true,
      body: withModel(thinkingForAnthropicTarget(req.body, producer(model)), model, target),
      headers: betaHeaders(req),
    }),
    decode: (text, model) => {
      const decoded = base.decode(text, model);
      if (!decoded.ok) return decoded;
      const signed = signAnthropicThinking(parseJson(text), producer(model));
      return signed === null ? decoded : { ...decoded, body: JSON.stringify(signed) };
    },
    relay: (model) => anthropicPassthroughRelay(producer(model)),
  };
}

const NO_COMPLETIONS = {
  unsupported: 'the legacy /v1/completions endpoint needs an OpenAI-format provider',
};

export const ANTHROPIC: Adapter<'anthropic'> = {
  format: 'anthropic',
  caller: {
    endpoints: {
      '/v1/messages': {
        kind: 'messages',
        schema: MessagesRequestSchema,
        asSent: isMessagesRequest,
      },
      '/v1/messages/count_tokens': {
        kind: 'count_tokens',
        schema: CountTokensRequestSchema,
        asSent: isCountTokensRequest,
      },
    },
    ownsPath: (pathname) => pathname === '/v1/messages' || pathname.startsWith('/v1/messages/'),
    headers: (headers) => {
      const beta = headers['anthropic-beta'];
      return typeof beta === 'string' && beta !== '' ? { anthropicBeta: beta } : {};
    },
    toHub: (req, producer) =>
      anthropicToOpenAiRequest(req.body as MessagesRequest, { target: producer }),
    answer: (completion, model, producer) =>
      openAiToAnthropicResponse(completion as Parameters<typeof openAiToAnthropicResponse>[0], {
        model,
        producer,
      }),
    stream: (model, producer) => anthropicCaller(model, producer),
    // Anthropic's message_delta carries usage, so the hub stream must bring it.
    includeUsage: () => true,
    errorBody: anthropicErrorBody,
    streamErrorText,
    passthrough: (_req, provider) => anthropicPassthrough(provider),
  },
  target: {
    url: (provider) => joinUrl(provider.baseUrl, '/v1/messages'),
    encode: (hub, model, _provider, req) => {
      const translated = openAiToAnthropicRequest(hub, model);
      return translated.ok
        ? { ok: true, value: { ...translated.value, stream: req.stream } }
        : translated;
    },
    decode: (value, model, created) => {
      const parsed = MessageResponseSchema.safeParse(value);
      return parsed.success
        ? anthropicToOpenAiResponse(parsed.data, { created, model })
        : undefined;
    },
    stream: (model, includeUsage, created) =>
      new AnthropicToOpenAiStream({ created, includeUsage, model }),
    answeredError,
    embeddings: (_req, provider) => ({ unsupported: `${provider.name} has no embeddings API` }),
    completions: () => NO_COMPLETIONS,
  },
};
