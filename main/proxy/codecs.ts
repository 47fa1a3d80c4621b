import { randomUUID } from 'node:crypto';
import type { Provider, WireFormat } from '../../app/catalog/schema.ts';
import { MessageResponseSchema, type MessagesRequest } from '../../app/formats/anthropic.ts';
import {
  anthropicToOpenAiRequest,
  openAiToAnthropicResponse,
} from '../../app/formats/anthropicInbound.ts';
import {
  anthropicToOpenAiResponse,
  openAiToAnthropicRequest,
} from '../../app/formats/anthropicTarget.ts';
import {
  anthropicStreamError,
  AnthropicToOpenAiStream,
} from '../../app/formats/anthropicTargetStream.ts';
import { malformedStream, type StreamError, type Translated } from '../../app/formats/common.ts';
import {
  BatchEmbedResponseSchema,
  geminiMethodPath,
  geminiStreamError,
  GenerateContentResponseSchema,
  type GeminiRequest,
} from '../../app/formats/gemini.ts';
import {
  geminiToOpenAiEmbeddings,
  openAiToGeminiEmbeddings,
} from '../../app/formats/embeddings.ts';
import { openAiToGeminiRequest, withGeminiThinking } from '../../app/formats/geminiTarget.ts';
import {
  signAnthropicThinking,
  thinkingForAnthropicTarget,
} from '../../app/formats/thinkingSignature.ts';
import {
  geminiToOpenAiResponse,
  GeminiToOpenAiStream,
} from '../../app/formats/geminiTargetResponse.ts';
import {
  ChatCompletionSchema,
  parseOpenAiStreamData,
  type ChatCompletion,
  type ChatCompletionRequest,
  type EmbeddingsRequest,
  type Usage,
} from '../../app/formats/openai.ts';
import type { Codec, DecodedBody, StreamRelay } from './codec.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import {
  anthropicCaller,
  anthropicPassthroughRelay,
  anthropicUsage,
  newChunkId,
  openAiCaller,
  openAiPassthroughRelay,
  openAiUpstream,
  openAiUsage,
  parseJson,
  translatingRelay,
  type FromOpenAi,
  type ToOpenAi,
} from './relays.ts';
import type { Candidate } from '../engine/targets.ts';
import { betaHeaders, withOutputCap } from './targetExtras.ts';

/** Joins a base URL and a path without doubling or losing the slash between them. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

const toolCallId = () => `call_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

/** Replaces the model a client named (a route, `provider/model`) with the target's. */
function withModel(body: Record<string, unknown>, model: string, provider: Provider): string {
  const out: Record<string, unknown> = { ...withOutputCap(body, provider, model), model };
  if (provider.quirks.rejectsStreamOptions) delete out.stream_options;
  return JSON.stringify(out);
}

/** Same format both sides: the body goes up with the target's model name, the answer comes back untouched. */
function passthrough(
  path: string,
  relay: () => StreamRelay,
  decode: (text: string, value: Record<string, unknown>) => DecodedBody,
): Codec {
  return {
    url: (provider) => joinUrl(provider.baseUrl, path),
    encode: (req, model, provider) => ({ ok: true, body: withModel(req.body, model, provider) }),
    decode: (text) => {
      const value = parseJson(text);
      if (value === null || typeof value !== 'object')
        return { ok: false, error: malformedStream('upstream') };
      return decode(text, value as Record<string, unknown>);
    },
    relay: () => relay(),
  };
}

function openAiAnswer(text: string, value: Record<string, unknown>): DecodedBody {
  // OpenRouter reports failures after routing as HTTP 200 with an error body.
  if (value.error !== undefined) {
    return {
      ok: false,
      error: {
        ...malformedStream('upstream'),
        message: `The provider answered with an error: ${JSON.stringify(value.error).slice(0, 300)}`,
        code: 'upstream_error',
      },
    };
  }
  return {
    ok: true,
    body: text,
    usage: openAiUsage(value.usage as Usage | undefined) ?? { tokensIn: 0, tokensOut: 0 },
  };
}

/**
 * An error a provider sent with HTTP 200 in place of an answer, in its own format: without this
 * check a Gemini `{error:…}` body passes the (all-optional) response schema as an empty answer.
 */
function answeredError(format: WireFormat, value: unknown): StreamError | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (format === 'anthropic')
    return record.type === 'error' ? anthropicStreamError(record.error) : undefined;
  if (record.error === undefined || record.error === null) return undefined;
  if (format === 'gemini') return geminiStreamError(record.error);
  const item = parseOpenAiStreamData(JSON.stringify({ error: record.error }));
  return item !== 'done' && 'kind' in item ? item : undefined;
}

function anthropicAnswer(text: string, value: Record<string, unknown>): DecodedBody {
  const failed = answeredError('anthropic', value);
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

const PASSTHROUGH = {
  chat: passthrough('/chat/completions', openAiPassthroughRelay, openAiAnswer),
  embeddings: passthrough('/embeddings', openAiPassthroughRelay, openAiAnswer),
  completions: passthrough('/completions', openAiPassthroughRelay, openAiAnswer),
};

/**
 * Anthropic caller, Anthropic-format target: the body goes up as sent (beta fields, cache_control
 * and all) with the caller's anthropic-beta header; thinking is signed with the model that wrote
 * it on the way back, and goes up again only to that model (thinkingSignature.ts).
 */
function anthropicPassthrough(provider: Provider): Codec {
  const producer = (model: string) => `${provider.id}/${model}`;
  const base = passthrough('/v1/messages', anthropicPassthroughRelay, anthropicAnswer);
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

/** How the hub (an OpenAI chat request and its answers) is spoken to one target format. */
type TargetSide = {
  url: (provider: Provider, model: string, stream: boolean) => string;
  encode: (
    hub: ChatCompletionRequest,
    model: string,
    provider: Provider,
    stream: boolean,
  ) => Translated<unknown>;
  /** `created` is the request's arrival on the engine's clock, in seconds. */
  decode: (value: unknown, model: string, created: number) => ChatCompletion | undefined;
  stream: (model: string, includeUsage: boolean, created: number) => ToOpenAi;
};

const TARGETS: Record<WireFormat, TargetSide> = {
  openai: {
    url: (provider) => joinUrl(provider.baseUrl, '/chat/completions'),
    encode: (hub, model, provider, stream) => {
      const body: Record<string, unknown> = { ...hub, model, stream };
      if (stream && !provider.quirks.rejectsStreamOptions)
        body.stream_options = { include_usage: true };
      else delete body.stream_options;
      return { ok: true, value: body };
    },
    decode: (value) => {
      const parsed = ChatCompletionSchema.safeParse(value);
      return parsed.success ? (parsed.data as ChatCompletion) : undefined;
    },
    stream: () => openAiUpstream(),
  },
  anthropic: {
    url: (provider) => joinUrl(provider.baseUrl, '/v1/messages'),
    encode: (hub, model, _provider, stream) => {
      const translated = openAiToAnthropicRequest(hub, model);
      return translated.ok ? { ok: true, value: { ...translated.value, stream } } : translated;
    },
    decode: (value, model, created) => {
      const parsed = MessageResponseSchema.safeParse(value);
      return parsed.success
        ? anthropicToOpenAiResponse(parsed.data, { created, model })
        : undefined;
    },
    stream: (model, includeUsage, created) =>
      new AnthropicToOpenAiStream({ created, includeUsage, model }),
  },
  gemini: {
    url: (provider, model, stream) =>
      joinUrl(provider.baseUrl, `v1beta/${geminiMethodPath(model, stream)}`),
    encode: (hub) => openAiToGeminiRequest(hub),
    decode: (value, model, created) => {
      const parsed = GenerateContentResponseSchema.safeParse(value);
      return parsed.success
        ? geminiToOpenAiResponse(parsed.data, {
            created,
            model,
            id: newChunkId(),
            toolCallId,
          })
        : undefined;
    },
    stream: (model, includeUsage, created) =>
      new GeminiToOpenAiStream({
        created,
        includeUsage,
        model,
        id: newChunkId(),
        toolCallId,
      }),
  },
};

/** How the hub's answers are handed to one kind of caller. */
type CallerSide = {
  /** `producer` is the target's `provider/model`: thinking it wrote goes back to it alone. */
  toHub: (req: ProxyRequest, producer: string) => Translated<ChatCompletionRequest>;
  answer: (completion: ChatCompletion, model: string, producer: string) => unknown;
  stream: (model: string, producer: string) => FromOpenAi;
  /** Whether the caller asked for a usage chunk (the hub always asks upstream, to count). */
  includeUsage: (req: ProxyRequest) => boolean;
};

const CALLERS: Record<ProxyRequest['inbound'], CallerSide> = {
  openai: {
    toHub: (req) => ({ ok: true, value: req.body as ChatCompletionRequest }),
    answer: (completion) => completion,
    stream: () => openAiCaller(),
    includeUsage: (req) =>
      (req.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true,
  },
  anthropic: {
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
  },
};

/** A codec that translates through the OpenAI hub: caller → hub → target, and back. */
function translating(req: ProxyRequest, provider: Provider, caller: CallerSide): Codec {
  const format = provider.format;
  const target = TARGETS[format];
  const producer = (model: string) => `${provider.id}/${model}`;
  const created = Math.floor(req.receivedAt / 1000);
  return {
    url: target.url,
    encode: (request, model, provider) => {
      const hub = caller.toHub(request, producer(model));
      if (!hub.ok) return hub;
      const capped = withOutputCap(hub.value, provider, model);
      const encoded = target.encode(capped, model, provider, request.stream);
      if (!encoded.ok) return encoded;
      // The hub has no field for Anthropic's thinking setting; Gemini has one that fits.
      const value =
        format === 'gemini' && request.inbound === 'anthropic'
          ? withGeminiThinking(
              encoded.value as GeminiRequest,
              (request.body as MessagesRequest).thinking,
            )
          : encoded.value;
      return { ok: true, body: JSON.stringify(value) };
    },
    decode: (text, model) => {
      const value = parseJson(text);
      const failed = answeredError(format, value);
      if (failed) return { ok: false, error: failed };
      const completion = target.decode(value, model, created);
      if (!completion) return { ok: false, error: malformedStream('upstream') };
      completion.model = model;
      return {
        ok: true,
        body: JSON.stringify(caller.answer(completion, model, producer(model))),
        usage: openAiUsage(completion.usage) ?? { tokensIn: 0, tokensOut: 0 },
      };
    },
    relay: (model) =>
      translatingRelay(
        target.stream(model, caller.includeUsage(req), created),
        caller.stream(model, producer(model)),
      ),
  };
}

/** Embeddings for a Gemini-native target: batchEmbedContents, one request per input. */
function geminiEmbeddings(encodingFormat: 'float' | 'base64'): Codec {
  return {
    url: (provider, model) =>
      joinUrl(
        provider.baseUrl,
        `v1beta/models/${model.replace(/^models\//, '')}:batchEmbedContents`,
      ),
    encode: (req, model) => {
      const translated = openAiToGeminiEmbeddings(req.body as EmbeddingsRequest, model);
      return translated.ok ? { ok: true, body: JSON.stringify(translated.value) } : translated;
    },
    decode: (text, model) => {
      const parsed = BatchEmbedResponseSchema.safeParse(parseJson(text));
      if (!parsed.success) return { ok: false, error: malformedStream('upstream') };
      return {
        ok: true,
        body: JSON.stringify(geminiToOpenAiEmbeddings(parsed.data, { model, encodingFormat })),
        usage: { tokensIn: 0, tokensOut: 0 },
      };
    },
    relay: () => {
      throw new Error('embeddings are never streamed');
    },
  };
}

const GEMINI_EMBEDDINGS = { float: geminiEmbeddings('float'), base64: geminiEmbeddings('base64') };

/**
 * A streamed chat the caller did not ask usage for: the engine asks for it anyway (the log, costs
 * and token limits need the counts) and keeps the usage-only chunk from the caller.
 */
const STREAM_WITH_USAGE: Codec = {
  ...PASSTHROUGH.chat,
  encode: (req, model, provider) => ({
    ok: true,
    body: JSON.stringify({
      ...withOutputCap(req.body, provider, model),
      model,
      stream_options: { include_usage: true },
    }),
  }),
  relay: () => openAiPassthroughRelay(true),
};

/**
 * The codec for one request and one target. Bytes pass through when the formats match;
 * translation happens only when they differ. Endpoints a format cannot serve say so, and the
 * dispatcher skips that target with the reason.
 */
export function codecFor(req: ProxyRequest, candidate: Candidate): Codec | { unsupported: string } {
  const format = candidate.provider.format;
  if (req.kind === 'completions') {
    return format === 'openai'
      ? PASSTHROUGH.completions
      : { unsupported: 'the legacy /v1/completions endpoint needs an OpenAI-format provider' };
  }
  if (req.kind === 'embeddings') {
    if (format === 'openai') return PASSTHROUGH.embeddings;
    if (format === 'gemini')
      return req.body.encoding_format === 'base64'
        ? GEMINI_EMBEDDINGS.base64
        : GEMINI_EMBEDDINGS.float;
    return { unsupported: `${candidate.provider.name} has no embeddings API` };
  }
  if (req.inbound === 'openai' && format === 'openai') {
    if (
      !req.stream ||
      CALLERS.openai.includeUsage(req) ||
      candidate.provider.quirks.rejectsStreamOptions
    )
      return PASSTHROUGH.chat;
    return STREAM_WITH_USAGE;
  }
  if (req.inbound === 'anthropic' && format === 'anthropic')
    return anthropicPassthrough(candidate.provider);
  return translating(req, candidate.provider, CALLERS[req.inbound]);
}
