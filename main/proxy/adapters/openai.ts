/**
 * OpenAI chat completions, as a caller (/v1/chat/completions, /v1/embeddings, /v1/completions)
 * and as a target. It is also the hub: every translation goes through its chat request and
 * chunks, so as a caller it translates nothing.
 */
import type { Provider } from '../../../app/catalog/schema.ts';
import { malformedStream, type StreamError } from '../../../app/formats/common.ts';
import {
  ChatCompletionRequestSchema,
  ChatCompletionSchema,
  CompletionRequestSchema,
  EmbeddingsRequestSchema,
  type ChatCompletion,
  type ChatCompletionRequest,
  type Usage,
} from '../../../app/formats/openai.ts';
import {
  encodeOpenAiStreamItem,
  isOrdinaryOpenAiChunk,
  isOrdinaryOpenAiRun,
  OPENAI_DONE,
  parseOpenAiStreamData,
} from '../../../app/formats/openaiWire.ts';
import { OpenAiChunkReader } from '../../../app/formats/openaiChunkReader.ts';
import { isChatRequest } from '../../../app/formats/chatShape.ts';
import type { Adapter, CallerEndpoint, HubRequest } from '../adapter.ts';
import type { Codec, DecodedBody, StreamRelay } from '../codec.ts';
import { passthrough, withModel } from '../passthrough.ts';
import { openAiUsage, passthroughRelay, type FromOpenAi, type ToOpenAi } from '../relays.ts';
import { joinUrl } from '../../upstream/url.ts';
import type { ErrorEnvelope } from '../../server/respond.ts';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/** OpenAI's `{error:{message,type,param,code}}`, so its SDK raises a typed error with our message. */
export const openAiErrorBody: ErrorEnvelope = (status, message, code) => ({
  error: {
    message,
    type: ERROR_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
    param: null,
    code: code ?? null,
  },
});

/** An OpenAI-format upstream read as hub items ("[DONE]" ends it). */
function openAiUpstream(): ToOpenAi {
  const reader = new OpenAiChunkReader();
  let usage: Usage | null = null;
  return {
    push: (event) => {
      const item = reader.read(event.data);
      if (item === 'done') return [];
      if (!('kind' in item) && item.usage) usage = item.usage;
      return [item];
    },
    end: () => [],
    get usage() {
      return usage;
    },
  };
}

function openAiCaller(): FromOpenAi {
  return {
    push: (chunk) => encodeOpenAiStreamItem(chunk),
    end: () => OPENAI_DONE,
    errorText: (error) => encodeOpenAiStreamItem(error),
  };
}

/**
 * OpenAI upstream, OpenAI caller. Complete at "[DONE]", or at a finish reason: some
 * OpenAI-compatible servers end after the finish chunk without "[DONE]". With `dropUsageChunk`
 * (the engine asked for usage the caller did not), the usage-only chunk is counted but not sent.
 * Ordinary chunks are scanned, not parsed: only the end marker, usage, a finish and errors are read.
 */
export function openAiPassthroughRelay(dropUsageChunk = false): StreamRelay {
  return passthroughRelay(
    (event, usage) => {
      if (isOrdinaryOpenAiChunk(event.data)) return { started: true };
      const item = parseOpenAiStreamData(event.data);
      if (item === 'done') return { complete: true };
      if ('kind' in item) return { error: item };
      const counts = openAiUsage(item.usage);
      if (counts) Object.assign(usage, counts);
      if (dropUsageChunk && counts && item.choices.length === 0) return { drop: true };
      return { started: true, complete: item.choices.some((c) => c.finish_reason != null) };
    },
    streamErrorText,
    isOrdinaryOpenAiRun,
  );
}

function streamErrorText(error: StreamError): string {
  return encodeOpenAiStreamItem(error);
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

const PASSTHROUGH = {
  chat: passthrough('/chat/completions', openAiPassthroughRelay, openAiAnswer),
  embeddings: passthrough('/embeddings', openAiPassthroughRelay, openAiAnswer),
  completions: passthrough('/completions', openAiPassthroughRelay, openAiAnswer),
};

/** stream_options policy, caller side: whether the caller asked for a usage chunk. */
function includeUsage(req: HubRequest): boolean {
  return (
    (req.body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true
  );
}

/**
 * A streamed chat the caller did not ask usage for: the engine asks for it anyway (the log, costs
 * and token limits need the counts) and keeps the usage-only chunk from the caller.
 */
const STREAM_WITH_USAGE: Codec = {
  ...PASSTHROUGH.chat,
  encode: (req, model, provider) => ({
    ok: true,
    body: withModel({ ...req.body, stream_options: { include_usage: true } }, model, provider),
  }),
  relay: () => openAiPassthroughRelay(true),
};

function chatPassthrough(req: HubRequest, provider: Provider): Codec {
  return !req.stream || includeUsage(req) || provider.quirks.rejectsStreamOptions
    ? PASSTHROUGH.chat
    : STREAM_WITH_USAGE;
}

const OPENAI_ENDPOINTS: Record<string, CallerEndpoint> = {
  '/v1/chat/completions': {
    kind: 'chat',
    schema: ChatCompletionRequestSchema,
    asSent: isChatRequest,
  },
  '/v1/embeddings': { kind: 'embeddings', schema: EmbeddingsRequestSchema },
  '/v1/completions': { kind: 'completions', schema: CompletionRequestSchema },
};

export const OPENAI: Adapter<'openai'> = {
  format: 'openai',
  caller: {
    endpoints: OPENAI_ENDPOINTS,
    // The model list and unknown paths answer as OpenAI too: the registry's DEFAULT_CALLER.
    ownsPath: (pathname) => Object.hasOwn(OPENAI_ENDPOINTS, pathname),
    headers: () => ({}),
    toHub: (req) => ({ ok: true, value: req.body as ChatCompletionRequest }),
    answer: (completion) => completion,
    stream: () => openAiCaller(),
    includeUsage,
    errorBody: openAiErrorBody,
    streamErrorText,
    passthrough: chatPassthrough,
  },
  target: {
    url: (provider) => joinUrl(provider.baseUrl, '/chat/completions'),
    // stream_options policy, target side: always ask for usage, unless the target refuses it.
    encode: (hub, model, provider, req) => {
      const body: Record<string, unknown> = { ...hub, model, stream: req.stream };
      if (req.stream && !provider.quirks.rejectsStreamOptions)
        body.stream_options = { include_usage: true };
      else delete body.stream_options;
      return { ok: true, value: body };
    },
    decode: (value) => {
      const parsed = ChatCompletionSchema.safeParse(value);
      return parsed.success ? (parsed.data as ChatCompletion) : undefined;
    },
    stream: () => openAiUpstream(),
    answeredError: (value) => {
      if (value === null || typeof value !== 'object') return undefined;
      const error = (value as Record<string, unknown>).error;
      if (error === undefined || error === null) return undefined;
      const item = parseOpenAiStreamData(JSON.stringify({ error }));
      return item !== 'done' && 'kind' in item ? item : undefined;
    },
    embeddings: () => PASSTHROUGH.embeddings,
    completions: () => PASSTHROUGH.completions,
  },
};
