/**
 * OpenAI embeddings ↔ Gemini `batchEmbedContents`. Gemini reports no token usage for
 * embeddings, so the OpenAI response carries zeros.
 */
import type { Translated } from './common.ts';
import { invalidRequest } from './common.ts';
import type { GeminiBatchEmbedRequest, GeminiBatchEmbedResponse } from './gemini.ts';
import type { EmbeddingsRequest } from './openai.ts';

export type EmbeddingsResponse = {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
};

/**
 * Translates an embeddings request into a `batchEmbedContents` body for `model` (one request
 * per input). Token-array inputs cannot be translated: Gemini takes text only.
 */
export function openAiToGeminiEmbeddings(
  req: EmbeddingsRequest,
  model: string,
): Translated<GeminiBatchEmbedRequest> {
  const inputs = typeof req.input === 'string' ? [req.input] : req.input;
  const name = model.startsWith('models/') ? model : `models/${model}`;
  const requests: GeminiBatchEmbedRequest['requests'] = [];
  for (const input of inputs) {
    if (typeof input !== 'string') {
      return invalidRequest('Gemini embeds text only, not token arrays', 'input');
    }
    const request: GeminiBatchEmbedRequest['requests'][number] = {
      model: name,
      content: { parts: [{ text: input }] },
    };
    if (req.dimensions !== undefined) request.outputDimensionality = req.dimensions;
    requests.push(request);
  }
  return { ok: true, value: { requests } };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function digit(sextet: number): string {
  return BASE64.charAt(sextet & 63);
}

function base64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += digit(n >> 18) + digit(n >> 12) + digit(n >> 6) + digit(n);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += digit(n >> 18) + digit(n >> 12);
    out += rest === 2 ? digit(n >> 6) + '=' : '==';
  }
  return out;
}

/** Float32 little-endian bytes, base64-encoded: what OpenAI sends for `encoding_format: base64`. */
export function float32Base64(values: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (const [i, value] of values.entries()) view.setFloat32(i * 4, value, true);
  return base64(new Uint8Array(view.buffer));
}

/** Translates a `batchEmbedContents` response into OpenAI's embeddings response. */
export function geminiToOpenAiEmbeddings(
  response: GeminiBatchEmbedResponse,
  options: { model: string; encodingFormat?: 'float' | 'base64' },
): EmbeddingsResponse {
  const asBase64 = options.encodingFormat === 'base64';
  return {
    object: 'list',
    data: response.embeddings.map((e, index) => ({
      object: 'embedding',
      index,
      embedding: asBase64 ? float32Base64(e.values) : e.values,
    })),
    model: options.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
