/**
 * Gemini's native API as a caller speaks it (Gemini CLI, @google/genai): `/v1beta/models/
 * {model}:generateContent`, `:streamGenerateContent` and `:countTokens`, errors in Google's
 * envelope. A Gemini target gets the body untouched; others go through the hub.
 */
import { geminiErrorBody, googleStatus } from '../../../app/formats/gemini.ts';
import {
  GeminiCountTokensRequestSchema,
  GeminiInboundRequestSchema,
  geminiToOpenAiRequest,
  type GeminiInboundRequest,
} from '../../../app/formats/geminiInbound.ts';
import { openAiToGeminiResponse } from '../../../app/formats/geminiInboundResponse.ts';
import {
  isGeminiCountTokensRequest,
  isGenerateContentRequest,
} from '../../../app/formats/geminiShape.ts';
import { OpenAiToGeminiStream } from '../../../app/formats/geminiInboundStream.ts';
import type { GenerateContentResponse } from '../../../app/formats/gemini.ts';
import type { ErrorEnvelope } from '../../server/respond.ts';
import type { CallerEndpoint, CallerSide } from '../adapter.ts';
import type { FromOpenAi } from '../relays.ts';
import { ChunkWriter, writerFor } from './geminiChunkWriter.ts';
import { geminiPassthrough } from './geminiPassthrough.ts';

/** Google's `{error:{code,message,status}}`, the status string following the HTTP status. */
export const geminiErrorEnvelope: ErrorEnvelope = (status, message) =>
  geminiErrorBody(status, message, googleStatus(status));

function geminiCaller(model: string, writer: ChunkWriter): FromOpenAi {
  const stream = new OpenAiToGeminiStream(model);
  const write = (chunks: GenerateContentResponse[]) => chunks.map((c) => writer.chunk(c)).join('');
  return {
    push: (chunk) => write(stream.push(chunk)),
    end: (complete) => write(stream.end(complete)) + (complete ? writer.close() : ''),
    errorText: (error) => writer.error(error),
  };
}

const GENERATE: CallerEndpoint = {
  kind: 'generate',
  schema: GeminiInboundRequestSchema,
  asSent: isGenerateContentRequest,
  schemaFills: true,
};

const ENDPOINTS: Record<string, CallerEndpoint & { stream: boolean }> = {
  generateContent: { ...GENERATE, stream: false },
  streamGenerateContent: { ...GENERATE, stream: true },
  countTokens: {
    kind: 'gemini_count_tokens',
    schema: GeminiCountTokensRequestSchema,
    asSent: isGeminiCountTokensRequest,
    schemaFills: true,
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
  passthrough: (req) => geminiPassthrough(req.jsonArrayStream === true),
};
