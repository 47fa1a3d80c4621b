import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  GeminiCountTokensRequestSchema,
  GeminiInboundRequestSchema,
} from '../../../app/formats/geminiInbound.ts';
import {
  isGeminiCountTokensRequest,
  isGenerateContentRequest,
} from '../../../app/formats/geminiShape.ts';
import { geminiCliBody } from '../../bench/agentBodies.ts';
import { geminiBody, geminiCountBody } from './generatedBodies.ts';

const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];
const base = { contents };
const withField = (key: string, value: unknown) => ({ ...base, [key]: value });
const withPart = (part: unknown) => withField('contents', [{ role: 'user', parts: [part] }]);

/** Whether the schema passes a body and returns it as it is (no default filled in). */
function unchanged(schema: z.ZodType<Record<string, unknown>>, body: Record<string, unknown>) {
  const parsed = schema.safeParse(body);
  return parsed.success && isDeepStrictEqual(parsed.data, body);
}

/** Bodies the hand check takes, and the schema returns as they are. */
const VALID: Record<string, unknown>[] = [
  base,
  geminiCliBody(20),
  geminiCliBody(45),
  {
    contents: [
      { parts: [] },
      {
        role: 'model',
        parts: [
          { text: 'thinking', thought: true, thoughtSignature: 's' },
          { functionCall: { name: 'f', args: null } },
          { functionCall: { name: 'f', id: 'c1' }, thoughtSignature: 's' },
          { executableCode: { code: 'x' } },
        ],
        extra: 1,
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'f', response: {}, id: 'c1' } },
          { functionResponse: { name: 'f' } },
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
          { fileData: { fileUri: 'gs://b/o' } },
          { fileData: { fileUri: 'gs://b/o', mimeType: 'application/pdf' } },
        ],
      },
    ],
    systemInstruction: 'be brief',
    tools: [{ functionDeclarations: [{ name: 'f', parameters: {} }] }, { googleSearch: {} }],
    toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
    generationConfig: {
      temperature: 0,
      topP: 1,
      topK: 40,
      maxOutputTokens: 1,
      stopSequences: [],
      candidateCount: 1,
      seed: -3,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT' },
      responseJsonSchema: { type: 'object' },
      thinkingConfig: { thinkingBudget: -1 },
    },
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    cachedContent: 'cachedContents/x',
  },
  withField('systemInstruction', { parts: [{ text: 's' }], role: 'user' }),
  withField('toolConfig', {}),
];

/** Bodies the schema passes only by filling in `parts`: the hand check must leave them to it. */
const FILLED: Record<string, unknown>[] = [
  { contents: [{ role: 'user' }] },
  { contents: [...contents, {}] },
  withField('systemInstruction', { role: 'user' }),
];

/** Invalid bodies: the hand check must not take them. */
const INVALID: Record<string, unknown>[] = [
  {},
  withField('contents', []),
  withField('contents', [null]),
  withField('contents', [{ parts: null }]),
  withField('contents', [{ role: 1, parts: [] }]),
  withPart(null),
  withPart({ text: 1 }),
  withPart({ thought: 'yes' }),
  withPart({ thoughtSignature: null }),
  withPart({ functionCall: null }),
  withPart({ functionCall: { args: {} } }),
  withPart({ functionCall: { name: 'f', args: [] } }),
  withPart({ functionCall: { name: 'f', id: null } }),
  withPart({ functionResponse: { name: 'f', response: 'ok' } }),
  withPart({ inlineData: { mimeType: 'image/png' } }),
  withPart({ fileData: { mimeType: 'x' } }),
  withField('systemInstruction', [{ text: 's' }]),
  withField('systemInstruction', { parts: [{ text: 1 }] }),
  withField('tools', {}),
  withField('tools', [null]),
  withField('tools', [{ functionDeclarations: [{ name: '' }] }]),
  withField('tools', [{ functionDeclarations: [{ name: 'f', parameters: [] }] }]),
  withField('tools', [{ functionDeclarations: [{ name: 'f', description: null }] }]),
  withField('toolConfig', { functionCallingConfig: { mode: 1 } }),
  withField('toolConfig', { functionCallingConfig: { allowedFunctionNames: [1] } }),
  withField('generationConfig', { maxOutputTokens: 0 }),
  withField('generationConfig', { maxOutputTokens: 2 ** 60 }),
  withField('generationConfig', { candidateCount: 1.5 }),
  withField('generationConfig', { seed: 0.5 }),
  withField('generationConfig', { temperature: null }),
  withField('generationConfig', { stopSequences: 'END' }),
  withField('generationConfig', { responseSchema: [] }),
];

/** A valid body with `[[1]]` (which no field the schema names takes) at a key of each object it names. */
const PLACES: Record<string, (key: string) => Record<string, unknown>> = {
  request: (key) => withField(key, [[1]]),
  content: (key) => withField('contents', [{ parts: [], [key]: [[1]] }]),
  part: (key) => withPart({ [key]: [[1]] }),
  functionCall: (key) => withPart({ functionCall: { name: 'f', [key]: [[1]] } }),
  functionResponse: (key) => withPart({ functionResponse: { name: 'f', [key]: [[1]] } }),
  declaration: (key) =>
    withField('tools', [{ functionDeclarations: [{ name: 'f', [key]: [[1]] }] }]),
  tool: (key) => withField('tools', [{ [key]: [[1]] }]),
  functionCallingConfig: (key) =>
    withField('toolConfig', { functionCallingConfig: { [key]: [[1]] } }),
  generationConfig: (key) => withField('generationConfig', { [key]: [[1]] }),
};

/** The schema's own objects, by where PLACES puts a value in them. */
function shapes(): Record<string, Record<string, unknown>> {
  const request = GeminiInboundRequestSchema.shape;
  const content = request.contents.element.shape;
  const part = content.parts.unwrap().element.shape;
  const tool = request.tools.unwrap().element.shape;
  return {
    request,
    content,
    part,
    functionCall: part.functionCall.unwrap().shape,
    functionResponse: part.functionResponse.unwrap().shape,
    declaration: tool.functionDeclarations.unwrap().element.shape,
    tool,
    functionCallingConfig: request.toolConfig.unwrap().shape.functionCallingConfig.unwrap().shape,
    generationConfig: request.generationConfig.unwrap().shape,
  };
}

describe('isGenerateContentRequest', () => {
  it('takes valid bodies the schema returns as they are, and never an invalid one', () => {
    for (const body of VALID) {
      expect(isGenerateContentRequest(body), JSON.stringify(body).slice(0, 200)).toBe(true);
      expect(unchanged(GeminiInboundRequestSchema, body)).toBe(true);
    }
    for (const body of INVALID) {
      expect(isGenerateContentRequest(body), JSON.stringify(body)).toBe(false);
      expect(GeminiInboundRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('leaves to the schema a body it would fill parts in', () => {
    for (const body of FILLED) {
      expect(isGenerateContentRequest(body), JSON.stringify(body)).toBe(false);
      expect(GeminiInboundRequestSchema.safeParse(body).success).toBe(true);
      expect(unchanged(GeminiInboundRequestSchema, body)).toBe(false);
    }
  });

  it('checks every field the schema names (a field added there is not waved through here)', () => {
    for (const [place, shape] of Object.entries(shapes())) {
      const at = PLACES[place];
      expect(at, place).toBeDefined();
      for (const key of Object.keys(shape)) {
        const body = at?.(key) ?? {};
        expect(GeminiInboundRequestSchema.safeParse(body).success, `${place}.${key}`).toBe(false);
        expect(isGenerateContentRequest(body), `${place}.${key}`).toBe(false);
      }
    }
  });

  it('takes exactly the bodies the schema returns unchanged (property)', () => {
    const taken = { yes: 0, filled: 0, runs: 0 };
    fc.assert(
      fc.property(geminiBody, (candidate) => {
        taken.runs++;
        const parsed = GeminiInboundRequestSchema.safeParse(candidate);
        const same = parsed.success && isDeepStrictEqual(parsed.data, candidate);
        if (same) taken.yes++;
        else if (parsed.success) taken.filled++;
        expect(isGenerateContentRequest(candidate), JSON.stringify(candidate)).toBe(same);
      }),
      { numRuns: 20000 },
    );
    // Each answer is common, so every side of the checks was reached.
    expect(taken.yes / taken.runs).toBeGreaterThan(0.1);
    expect(taken.filled / taken.runs).toBeGreaterThan(0.02);
    expect((taken.yes + taken.filled) / taken.runs).toBeLessThan(0.85);
  });
});

describe('isGeminiCountTokensRequest', () => {
  it('takes contents, a whole request or neither; never a content without its parts', () => {
    for (const body of [{}, base, { generateContentRequest: { contents: [{}] } }]) {
      expect(isGeminiCountTokensRequest(body), JSON.stringify(body)).toBe(true);
      expect(unchanged(GeminiCountTokensRequestSchema, body)).toBe(true);
    }
    for (const body of [{ contents: [{ role: 'user' }] }, { contents: {} }, withPart({ text: 1 })])
      expect(isGeminiCountTokensRequest(body), JSON.stringify(body)).toBe(false);
  });

  it('takes exactly the bodies the schema returns unchanged (property)', () => {
    fc.assert(
      fc.property(geminiCountBody, (candidate) => {
        const parsed = GeminiCountTokensRequestSchema.safeParse(candidate);
        const same = parsed.success && isDeepStrictEqual(parsed.data, candidate);
        expect(isGeminiCountTokensRequest(candidate), JSON.stringify(candidate)).toBe(same);
      }),
      { numRuns: 5000 },
    );
  });
});
