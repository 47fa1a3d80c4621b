import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from '../../../app/formats/anthropic.ts';
import { MessagesRequestSchema } from '../../../app/formats/anthropic.ts';
import { anthropicToOpenAiRequest } from '../../../app/formats/anthropicInbound.ts';
import { OpenAiToAnthropicStream } from '../../../app/formats/anthropicInboundStream.ts';
import { openAiToGeminiRequest } from '../../../app/formats/geminiTarget.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';
import { fitsOpenAiStrict } from '../../../app/formats/structuredOutput.ts';
import { chunksOf } from './helpers.ts';

/** As the AI SDK's Anthropic provider sends a `z.object({ city, days })` schema. */
const TRIP = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'number' } },
  required: ['city', 'days'],
  additionalProperties: false,
};

function hub(body: Record<string, unknown>) {
  const parsed = MessagesRequestSchema.parse({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    messages: [{ role: 'user', content: 'Plan a trip.' }],
    ...body,
  });
  const result = anthropicToOpenAiRequest(parsed);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  // The hub request is what an OpenAI-format target is sent: it must be a valid one.
  return ChatCompletionRequestSchema.parse(result.value);
}

function gemini(body: Record<string, unknown>) {
  const result = openAiToGeminiRequest(hub(body));
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('structured outputs from an Anthropic caller → OpenAI-format targets', () => {
  it('carries output_config.format as a strict json_schema response_format', () => {
    const out = hub({ output_config: { format: { type: 'json_schema', schema: TRIP } } });
    expect(out.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: TRIP, strict: true },
    });
  });

  it('takes the beta spelling output_format, and output_config.format over it', () => {
    const beta = hub({ output_format: { type: 'json_schema', schema: TRIP } });
    expect(beta.response_format).toMatchObject({ json_schema: { schema: TRIP } });
    const other = { type: 'object', properties: {}, additionalProperties: false };
    const both = hub({
      output_format: { type: 'json_schema', schema: other },
      output_config: { effort: 'low', format: { type: 'json_schema', schema: TRIP } },
    });
    expect(both.response_format).toMatchObject({ json_schema: { schema: TRIP } });
    const effortOnly = hub({
      output_config: { effort: 'low' },
      output_format: { type: 'json_schema', schema: TRIP },
    });
    expect(effortOnly.response_format).toMatchObject({ json_schema: { schema: TRIP } });
  });

  it('drops effort, and formats it does not know', () => {
    const out = hub({ output_config: { effort: 'high', format: { type: 'xml' } } });
    expect(out.response_format).toBeUndefined();
    expect(out.reasoning_effort).toBeUndefined();
    expect(JSON.stringify(out)).not.toContain('high');
  });

  it('keeps the schema on a streaming request, next to stream_options', () => {
    const out = hub({
      stream: true,
      output_config: { format: { type: 'json_schema', schema: TRIP } },
    });
    expect(out.stream).toBe(true);
    expect(out.stream_options).toEqual({ include_usage: true });
    expect(out.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: TRIP, strict: true },
    });
  });

  it('streams the JSON answer back as text deltas, unchanged', () => {
    const stream = new OpenAiToAnthropicStream({ model: 'gpt-4o-mini', id: 'msg_1' });
    const chunk = chunksOf({ id: 'c', model: 'gpt-4o-mini' });
    const events: AnthropicStreamEvent[] = [
      ...stream.push(chunk({ content: '{"city":"Pa' })),
      ...stream.push(chunk({ content: 'ris","days":3}' })),
      ...stream.push(chunk({}, 'stop')),
      ...stream.end(),
    ];
    const text = events
      .flatMap((e) =>
        e.type === 'content_block_delta' && e.delta.type === 'text_delta' ? [e.delta.text] : [],
      )
      .join('');
    expect(JSON.parse(text)).toEqual({ city: 'Paris', days: 3 });
  });
});

describe('structured outputs from an Anthropic caller → Gemini targets', () => {
  it('asks for JSON with the schema in Gemini’s subset', () => {
    const out = gemini({ output_config: { format: { type: 'json_schema', schema: TRIP } } });
    expect(out.generationConfig).toMatchObject({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'OBJECT',
        properties: { city: { type: 'STRING' }, days: { type: 'NUMBER' } },
        required: ['city', 'days'],
      },
    });
  });

  it('sends the same body streaming or not (Gemini streams by URL)', () => {
    const format = { output_config: { format: { type: 'json_schema', schema: TRIP } } };
    const streamed = gemini({ ...format, stream: true });
    expect(streamed.generationConfig?.responseSchema).toBeDefined();
    expect(streamed).toEqual(gemini(format));
  });
});

describe('fitsOpenAiStrict', () => {
  it('takes closed objects that require every property, nested and in $defs', () => {
    expect(fitsOpenAiStrict(TRIP)).toBe(true);
    expect(
      fitsOpenAiStrict({
        type: 'object',
        properties: {
          stops: { type: 'array', items: { $ref: '#/$defs/stop' } },
          note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        },
        required: ['stops', 'note'],
        additionalProperties: false,
        $defs: {
          stop: {
            type: 'object',
            properties: { name: { type: 'string', enum: ['a', 'b'] } },
            required: ['name'],
            additionalProperties: false,
          },
        },
      }),
    ).toBe(true);
  });

  it.each([
    ['an optional property', { ...TRIP, required: ['city'] }],
    ['an open object', { ...TRIP, additionalProperties: true }],
    ['an object that does not say', { type: 'object', properties: { a: { type: 'string' } } }],
    ['a default', { ...TRIP, properties: { city: { type: 'string', default: 'Oslo' } } }],
    ['allOf', { ...TRIP, allOf: [{ type: 'object' }] }],
    ['a length bound', { ...TRIP, properties: { city: { type: 'string', maxLength: 9 } } }],
    [
      'a nested open object',
      {
        ...TRIP,
        properties: { ...TRIP.properties, extra: { type: 'object', properties: {} } },
        required: ['city', 'days', 'extra'],
      },
    ],
    ['an array at the root', { type: 'array', items: { type: 'string' } }],
  ])('goes non-strict for %s', (_what, schema) => {
    expect(fitsOpenAiStrict(schema)).toBe(false);
    const out = hub({ output_config: { format: { type: 'json_schema', schema } } });
    expect(out.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema, strict: false },
    });
  });
});
