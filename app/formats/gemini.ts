/**
 * Gemini's native wire format (`generateContent`, `streamGenerateContent?alt=sse`,
 * `batchEmbedContents`): request and response types, the response schema checked at the edge,
 * and the error body.
 */
import { z } from 'zod';
import type { StreamError } from './common.ts';

export type GeminiFunctionCall = { name: string; args?: Record<string, unknown>; id?: string };

/** One part of a content. Exactly one of the data fields is set; `thought` marks thinking text. */
export type GeminiPart = {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
};

export type GeminiContent = { role: 'user' | 'model'; parts: GeminiPart[] };

export type GeminiFunctionDeclaration = {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
};

export type GeminiGenerationConfig = {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseSchema?: Record<string, unknown>;
  thinkingConfig?: { includeThoughts?: boolean };
};

export type GeminiRequest = {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: {
    functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
  };
  generationConfig?: GeminiGenerationConfig;
};

/** A part as a model answers it; the inbound request's part (geminiInbound.ts) extends it. */
export const GeminiPartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({
      name: z.string(),
      args: z.record(z.string(), z.unknown()).nullish(),
      id: z.string().optional(),
    })
    .optional(),
});

const UsageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
});

/**
 * A `GenerateContentResponse`: the whole body of `generateContent`, and each `data:` chunk of
 * `streamGenerateContent?alt=sse`.
 */
export const GenerateContentResponseSchema = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z
          .looseObject({ role: z.string().optional(), parts: z.array(GeminiPartSchema).optional() })
          .optional(),
        finishReason: z.string().optional(),
        index: z.int().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: UsageMetadataSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GenerateContentResponse = z.infer<typeof GenerateContentResponseSchema>;
export type GeminiUsageMetadata = z.infer<typeof UsageMetadataSchema>;
export type GeminiResponsePart = z.infer<typeof GeminiPartSchema>;

/** Gemini's error body (also sent as a stream chunk when a stream fails after HTTP 200). */
export type GeminiErrorBody = {
  error: { code: number; message: string; status: string; details?: unknown[] };
};

/** Builds a Gemini error body, e.g. for a mock provider. */
export function geminiErrorBody(
  code: number,
  message: string,
  status: string,
  details: unknown[] = [],
): GeminiErrorBody {
  return { error: { code, message, status, details } };
}

/** Google's status string for an HTTP status, as its error envelope carries it. */
export function googleStatus(httpStatus: number): string {
  switch (httpStatus) {
    case 400:
    case 413:
    case 422:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 405:
    case 501:
      return 'UNIMPLEMENTED';
    case 408:
    case 504:
      return 'DEADLINE_EXCEEDED';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    default:
      return httpStatus >= 400 && httpStatus < 500 ? 'FAILED_PRECONDITION' : 'INTERNAL';
  }
}

const OPENAI_TYPE_BY_STATUS: Record<string, string> = {
  INVALID_ARGUMENT: 'invalid_request_error',
  FAILED_PRECONDITION: 'invalid_request_error',
  OUT_OF_RANGE: 'invalid_request_error',
  UNAUTHENTICATED: 'authentication_error',
  PERMISSION_DENIED: 'permission_error',
  NOT_FOUND: 'not_found_error',
  RESOURCE_EXHAUSTED: 'rate_limit_error',
  UNAVAILABLE: 'service_unavailable_error',
};

/** The stream error for a Gemini `{error:{...}}` body or chunk, in OpenAI's vocabulary. */
export function geminiStreamError(error: unknown): StreamError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  const status = typeof e.status === 'string' ? e.status : 'INTERNAL';
  return {
    kind: 'error',
    status: typeof e.code === 'number' ? e.code : 500,
    type: OPENAI_TYPE_BY_STATUS[status] ?? 'server_error',
    message: typeof e.message === 'string' ? e.message : 'Gemini stream error',
    code: status,
  };
}

/**
 * The path (below `…/v1beta/`) of the method for a model: `generateContent`, or for a stream
 * `streamGenerateContent?alt=sse`, without which (`sse` false) Gemini streams a JSON array.
 */
export function geminiMethodPath(model: string, stream: boolean, sse = true): string {
  const name = model.startsWith('models/') ? model.slice(7) : model;
  if (!stream) return `models/${name}:generateContent`;
  return `models/${name}:streamGenerateContent${sse ? '?alt=sse' : ''}`;
}

/** The `batchEmbedContents` body. */
export type GeminiBatchEmbedRequest = {
  requests: Array<{
    model: string;
    content: { parts: Array<{ text: string }> };
    outputDimensionality?: number;
  }>;
};

/** The `batchEmbedContents` response, checked at the edge. */
export const BatchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
});
export type GeminiBatchEmbedResponse = z.infer<typeof BatchEmbedResponseSchema>;
