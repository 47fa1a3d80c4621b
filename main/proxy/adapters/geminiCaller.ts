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
  openAiToGeminiResponse,
  type GeminiInboundRequest,
} from '../../../app/formats/geminiInbound.ts';
import { OpenAiToGeminiStream } from '../../../app/formats/geminiInboundStream.ts';
import { geminiUsageToOpenAi } from '../../../app/formats/geminiTargetResponse.ts';
import type { GenerateContentResponse } from '../../../app/formats/gemini.ts';
import type { ErrorEnvelope } from '../../server/respond.ts';
import type { CallerEndpoint, CallerSide } from '../adapter.ts';
import type { Codec } from '../codec.ts';
import { openAiUsage, parseJson, passthroughRelay, type FromOpenAi } from '../relays.ts';
import { joinUrl } from '../url.ts';

/** Google's `{error:{code,message,status}}`, the status string following the HTTP status. */
export const geminiErrorEnvelope: ErrorEnvelope = (status, message) =>
  geminiErrorBody(status, message, googleStatus(status));

/** A Gemini stream ends with an error as one more `data:` chunk holding the error body. */
function streamErrorText(error: StreamError): string {
  const status =
    error.code !== null && /^[A-Z_]+$/.test(error.code) ? error.code : googleStatus(error.status);
  return `data: ${JSON.stringify(geminiErrorBody(error.status, error.message, status))}\n\n`;
}

const sse = (chunk: GenerateContentResponse) => `data: ${JSON.stringify(chunk)}\n\n`;

function geminiCaller(model: string): FromOpenAi {
  const stream = new OpenAiToGeminiStream(model);
  return {
    push: (chunk) => stream.push(chunk).map(sse).join(''),
    end: (complete) => stream.end(complete).map(sse).join(''),
    errorText: streamErrorText,
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

const METHOD_PATH = /^\/v1beta\/models\/([^/:]+(?:\/[^/:]+)?):([A-Za-z]+)$/;

/** `/v1beta/models/{model}:{method}` → the endpoint, with the model segment URL-decoded. */
function match(pathname: string) {
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
  return { ...endpoint, model };
}

function usageOf(value: unknown) {
  const parsed = GenerateContentResponseSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const meta = parsed.data.usageMetadata;
  return meta === undefined ? undefined : openAiUsage(geminiUsageToOpenAi(meta));
}

/** Gemini both sides: the body goes up as sent, the answer comes back as it came. */
function geminiPassthrough(): Codec {
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
    relay: () =>
      passthroughRelay((event, usage) => {
        const value = parseJson(event.data);
        if (value === null || typeof value !== 'object')
          return { error: malformedStream('Gemini') };
        const error = (value as { error?: unknown }).error;
        if (error !== undefined && error !== null) return { error: geminiStreamError(error) };
        const counts = usageOf(value);
        if (counts !== undefined) Object.assign(usage, counts);
        const candidates = (value as { candidates?: Array<{ finishReason?: unknown }> }).candidates;
        const complete = candidates?.some((c) => typeof c.finishReason === 'string') === true;
        return { started: true, complete };
      }, streamErrorText),
  };
}

export const GEMINI_CALLER: CallerSide = {
  endpoints: {},
  match,
  matchedPaths: [
    ...Object.keys(ENDPOINTS).map((method) => `POST /v1beta/models/{model}:${method}`),
    'GET /v1beta/models',
  ],
  ownsPath: (pathname) => pathname === '/v1beta' || pathname.startsWith('/v1beta/'),
  headers: () => ({}),
  toHub: (req) => geminiToOpenAiRequest(req.body as GeminiInboundRequest, req.model, req.stream),
  answer: (completion, model) => openAiToGeminiResponse(completion, model),
  stream: (model) => geminiCaller(model),
  // Gemini chunks carry usageMetadata, so the hub stream must bring it.
  includeUsage: () => true,
  errorBody: geminiErrorEnvelope,
  streamErrorText,
  passthrough: () => geminiPassthrough(),
};
