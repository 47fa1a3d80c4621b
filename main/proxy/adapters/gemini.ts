/**
 * Gemini's native API as a target (chat through generateContent / streamGenerateContent,
 * embeddings through batchEmbedContents) and as a caller (geminiCaller.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  geminiToOpenAiEmbeddings,
  openAiToGeminiEmbeddings,
} from '../../../app/formats/embeddings.ts';
import {
  BatchEmbedResponseSchema,
  geminiMethodPath,
  geminiStreamError,
  GenerateContentResponseSchema,
} from '../../../app/formats/gemini.ts';
import { openAiToGeminiRequest, withGeminiThinking } from '../../../app/formats/geminiTarget.ts';
import {
  geminiToOpenAiResponse,
  GeminiToOpenAiStream,
} from '../../../app/formats/geminiTargetResponse.ts';
import { malformedStream } from '../../../app/formats/common.ts';
import type { EmbeddingsRequest } from '../../../app/formats/openai.ts';
import type { Adapter } from '../adapter.ts';
import type { Codec } from '../codec.ts';
import { newChunkId, parseJson } from '../relays.ts';
import { joinUrl } from '../../upstream/url.ts';
import { GEMINI_CALLER } from './geminiCaller.ts';

const toolCallId = () => `call_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

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

const EMBEDDINGS = { float: geminiEmbeddings('float'), base64: geminiEmbeddings('base64') };

export const GEMINI: Adapter<'gemini'> = {
  format: 'gemini',
  caller: GEMINI_CALLER,
  target: {
    url: (provider, model, stream) =>
      joinUrl(provider.baseUrl, `v1beta/${geminiMethodPath(model, stream)}`),
    encode: (hub, _model, _provider, req) => {
      const encoded = openAiToGeminiRequest(hub);
      // The hub has no field for Anthropic's thinking setting; Gemini has one that fits.
      if (!encoded.ok || req.kind !== 'messages') return encoded;
      return { ok: true, value: withGeminiThinking(encoded.value, req.body.thinking) };
    },
    decode: (value, model, created) => {
      const parsed = GenerateContentResponseSchema.safeParse(value);
      return parsed.success
        ? geminiToOpenAiResponse(parsed.data, { created, model, id: newChunkId(), toolCallId })
        : undefined;
    },
    stream: (model, includeUsage, created) =>
      new GeminiToOpenAiStream({ created, includeUsage, model, id: newChunkId(), toolCallId }),
    answeredError: (value) => {
      if (value === null || typeof value !== 'object') return undefined;
      const error = (value as Record<string, unknown>).error;
      return error === undefined || error === null ? undefined : geminiStreamError(error);
    },
    embeddings: (req) =>
      req.body.encoding_format === 'base64' ? EMBEDDINGS.base64 : EMBEDDINGS.float,
    completions: () => ({
      unsupported: 'the legacy /v1/completions endpoint needs an OpenAI-format provider',
    }),
  },
};
