import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  float32Base64,
  geminiToOpenAiEmbeddings,
  openAiToGeminiEmbeddings,
} from '../../../app/formats/embeddings.ts';
import { BatchEmbedResponseSchema } from '../../../app/formats/gemini.ts';
import { EmbeddingsRequestSchema } from '../../../app/formats/openai.ts';

describe('openAiToGeminiEmbeddings', () => {
  it('sends one request per input, with the dimensions asked for', () => {
    const req = EmbeddingsRequestSchema.parse({
      model: 'route',
      input: ['a', 'b'],
      dimensions: 256,
    });
    expect(openAiToGeminiEmbeddings(req, 'gemini-embedding-001')).toEqual({
      ok: true,
      value: {
        requests: [
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'a' }] },
            outputDimensionality: 256,
          },
          {
            model: 'models/gemini-embedding-001',
            content: { parts: [{ text: 'b' }] },
            outputDimensionality: 256,
          },
        ],
      },
    });
  });

  it('refuses token arrays', () => {
    const req = EmbeddingsRequestSchema.parse({ model: 'route', input: [1, 2, 3] });
    expect(openAiToGeminiEmbeddings(req, 'e')).toMatchObject({
      ok: false,
      error: { status: 400, param: 'input' },
    });
  });
});

describe('geminiToOpenAiEmbeddings', () => {
  const response = BatchEmbedResponseSchema.parse({
    embeddings: [{ values: [0.5, -1] }, { values: [0.25] }],
  });

  it('lists the vectors in order as floats', () => {
    expect(geminiToOpenAiEmbeddings(response, { model: 'route' })).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1] },
        { object: 'embedding', index: 1, embedding: [0.25] },
      ],
      model: 'route',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('encodes base64 as little-endian float32, as OpenAI does', () => {
    const out = geminiToOpenAiEmbeddings(response, { model: 'route', encodingFormat: 'base64' });
    expect(out.data[0]?.embedding).toBe(
      Buffer.from(new Float32Array([0.5, -1]).buffer).toString('base64'),
    );
  });

  it('matches Buffer for any vector length', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 9 }), (values) => {
        expect(float32Base64(values)).toBe(
          Buffer.from(new Float32Array(values).buffer).toString('base64'),
        );
      }),
    );
  });
});
