/**
 * Gemini's native API as a caller speaks it (Gemini CLI, @google/genai): `/v1beta/models/
 * {model}:generateContent`, `:streamGenerateContent` and `:countTokens`, errors in Google's
 * envelope. A Gemini target gets the body untouched; others go through the hub.
 */
import type { Provider } from '../../../app/catalog/schema.ts';
import { malformedStream, type StreamError } from '../../../app/formats/common.ts';
import {
  geminiErrorBody,
  geminiMethodPath,
  geminiStreamError,
  GenerateContentResponseSchema,
  googleStatus,
} from '../../../app/formats/gemini.ts';
import {
  GeminiCountTokensRequestSchema,
  GeminiInboundRequestSchema,
  geminiToOpenAiRequest,
  type GeminiInboundRequest,
} from '../../../app/formats/geminiInbound.ts';
import { openAiToGeminiResponse } from '../../../app/formats/geminiInboundResponse.ts';
import { OpenAiToGeminiStream } from '../../../app/formats/geminiInboundStream.ts';
import { geminiUsageToOpenAi } from '../../../app/formats/geminiTargetResponse.ts';
import type { GenerateContentResponse } from '../../../app/formats/gemini.ts';
import type { ErrorEnvelope } from '../../server/respond.ts';
import type { CallerEndpoint, CallerSide } from '../adapter.ts';
import type { Codec } from '../codec.ts';
import type { UsageCounts } from '../../engine/capacityGate.ts';
import { keysPattern, looksLikeObject } from '../../../app/formats/jsonScan.ts';
import { openAiUsage, parseJson, passthroughRelay, type FromOpenAi } from '../relays.ts';
import { joinUrl } from '../../upstream/url.ts';

/** Google's `{error:{code,message,status}}`, the status string following the HTTP status. */
export const geminiErrorEnvelope: ErrorEnvelope = (status, message) =>
  geminiErrorBody(status, message, googleStatus(status));

/** A stream error as Google's error body, its status string kept when it has one. */
function streamErrorBody(error: StreamError) {
  const status =
    error.code !== null && /^[A-Z_]+$/.test(error.code) ? error.code : googleStatus(error.status);
  return geminiErrorBody(error.status, error.message, status);
}

/**
 * How one stream's chunks go on the wire: `data:` events (`alt=sse`, what the SDKs ask for), or
 * Google's default, one JSON array whose elements arrive as they are ready. A stream ends with an
 * error as one more chunk holding the error body.
 */
class ChunkWriter {
  private opened = false;
  readonly jsonArray: boolean;

  constructor(jsonArray: boolean) {
    this.jsonArray = jsonArray;
  }

  chunk(value: unknown): string {
    if (!this.jsonArray) return `data: ${JSON.stringify(value)}\n\n`;
    const prefix = this.opened ? ',\r\n' : '[';
    this.opened = true;
    return prefix + JSON.stringify(value);
  }

  close(): string {
    if (!this.jsonArray) return '';
    return this.opened ? ']' : '[]';
  }

  error(error: StreamError): string {
    return this.chunk(streamErrorBody(error)) + this.close();
  }
}

const writerFor = (req: { jsonArrayStream?: true }) =>
  new ChunkWriter(req.jsonArrayStream === true);

function geminiCaller(model: string, writer: ChunkWriter): FromOpenAi {
  const stream = new OpenAiToGeminiStream(model);
  const write = (chunks: GenerateContentResponse[]) => chunks.map((c) => writer.chunk(c)).join('');
  return {
    push: (chunk) => write(stream.push(chunk)),
    end: (complete) => write(stream.end(complete)) + (complete ? writer.close() : ''),
    errorText: (error) => writer.error(error),
  };
}

const ENDPOINTS: Record<string, CallerEndpoint & { stream: boolean }> = {
  generateContent: { kind: 'generate', schema: GeminiInboundRequestSchema, stream: false },
  streamGenerateContent: { kind: 'generate', schema: GeminiInboundRequestSchema, stream: true },
  countTokens: {
    kind: 'gemini_count_tokens',
    schema: GeminiCountTokensRequestSchema,
    stream: false,
  },
};

/**
 * `…/models/{model}:{method}` under v1beta (Gemini CLI) or v1 (@google/genai asks for v1 when
 * no version is set; a bare `/models/…` is served as `/v1/models/…`).
 */
const METHOD_PATH = /^\/v1(?:beta)?\/models\/([^/:]+(?:\/[^/:]+)?):([A-Za-z]+)$/;

/** `/v1beta/models/{model}:{method}` (or `/v1/…`) → the endpoint, with the model segment URL-decoded. */
function match(pathname: string, query: URLSearchParams) {
  const found = METHOD_PATH.exec(pathname);
  if (found === null) return undefined;
  const endpoint = ENDPOINTS[found[2] as string];
  if (endpoint === undefined) return undefined;
  let model: string;
  try {
    model = decodeURIComponent(found[1] as string);
  } catch {
    return undefined;
  }
  const jsonArray = endpoint.stream && query.get('alt') !== 'sse';
  return { ...endpoint, model, ...(jsonArray ? { jsonArrayStream: true as const } : {}) };
}

function usageOf(value: unknown) {
  const parsed = GenerateContentResponseSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const meta = parsed.data.usageMetadata;
  return meta === undefined ? undefined : openAiUsage(geminiUsageToOpenAi(meta));
}

/** What a Gemini chunk must be read for: its end, or an error. */
const GEMINI_MARKERS = keysPattern(['finishReason', 'error']);
const HAS_USAGE = keysPattern(['usageMetadata']);

/**
 * Gemini both sides: the body goes up as sent, the answer comes back as it came (a stream is
 * always asked for as SSE, and rewritten into a JSON array for a caller that wants one).
 */
function geminiPassthrough(writer: () => ChunkWriter): Codec {
  return {
    url: (provider: Provider, model, stream) =>
      joinUrl(provider.baseUrl, `v1beta/${geminiMethodPath(model, stream)}`),
    encode: (req) => ({ ok: true, body: JSON.stringify(req.body) }),
    decode: (text) => {
      const value = parseJson(text);
      if (value === null || typeof value !== 'object')
        return { ok: false, error: malformedStream('upstream') };
      const error = (value as { error?: unknown }).error;
      if (error !== undefined && error !== null)
        return { ok: false, error: geminiStreamError(error) };
      return { ok: true, body: text, usage: usageOf(value) ?? { tokensIn: 0, tokensOut: 0 } };
    },
    relay: () => {
      const out = writer();
      // Every Gemini chunk carries the usage so far: ordinary chunks are scanned, and only the
      // last one with usage is read, when a push ends or before any event that is read whole.
      let unread: { data: string; usage: UsageCounts } | undefined;
      const settle = () => {
        if (unread === undefined) return;
        const counts = usageOf(parseJson(unread.data));
        if (counts !== undefined) Object.assign(unread.usage, counts);
        unread = undefined;
      };
      const relay = passthroughRelay(
        (event, usage) => {
          if (!out.jsonArray && looksLikeObject(event.data) && !GEMINI_MARKERS.test(event.data)) {
            if (HAS_USAGE.test(event.data)) unread = { data: event.data, usage };
            return { started: true };
          }
          settle();
          const value = parseJson(event.data);
          if (value === null || typeof value !== 'object')
            return { error: malformedStream('Gemini') };
          const error = (value as { error?: unknown }).error;
          if (error !== undefined && error !== null) return { error: geminiStreamError(error) };
          const counts = usageOf(value);
          if (counts !== undefined) Object.assign(usage, counts);
          const candidates = (value as { candidates?: Array<{ finishReason?: unknown }> })
            .candidates;
          const complete = candidates?.some((c) => typeof c.finishReason === 'string') === true;
          return {
            started: true,
            complete,
            ...(out.jsonArray ? { replace: out.chunk(value) } : {}),
          };
        },
        (error) => out.error(error),
      );
      return {
        ...relay,
        push: (text) => {
          const step = relay.push(text);
          settle();
          return step;
        },
        end: () => {
          settle();
          const step = relay.end();
          return step.error === undefined ? { ...step, out: step.out + out.close() } : step;
        },
      };
    },
  };
}

export const GEMINI_CALLER: CallerSide = {
  endpoints: {},
  match,
  matchedPaths: [
    ...Object.keys(ENDPOINTS).map((method) => `POST /v1beta/models/{model}:${method}`),
    'GET /v1beta/models',
  ],
  ownsPath: (pathname) =>
    pathname === '/v1beta' || pathname.startsWith('/v1beta/') || METHOD_PATH.test(pathname),
  headers: () => ({}),
  toHub: (req) => geminiToOpenAiRequest(req.body as GeminiInboundRequest, req.model, req.stream),
  answer: (completion, model) => openAiToGeminiResponse(completion, model),
  stream: (model, _producer, req) => geminiCaller(model, writerFor(req)),
  // Gemini chunks carry usageMetadata, so the hub stream must bring it.
  includeUsage: () => true,
  errorBody: geminiErrorEnvelope,
  streamErrorText: (error) => new ChunkWriter(false).error(error),
  passthrough: (req) => geminiPassthrough(() => writerFor(req)),
};
