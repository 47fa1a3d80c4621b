import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCommonChatRequest } from '../../../app/formats/chatShape.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';

const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
const withField = (key: string, value: unknown) => ({ ...base, [key]: value });
const withMessage = (message: unknown) => ({ ...base, messages: [message] });

/** Bodies of the common shape: the hand check takes them, and so does the schema. */
const COMMON: Record<string, unknown>[] = [
  base,
  { messages: base.messages, model: 'route', stream: true, temperature: 0.2, extra: { a: [1] } },
  {
    ...base,
    messages: [
      { role: 'system', content: 'be brief', name: 'sys' },
      { role: 'developer', content: 'x' },
      { role: 'user', content: 'q', custom: 1 },
      { role: 'assistant', content: null, refusal: null },
      { role: 'assistant', content: 'a', tool_calls: null, refusal: 'no' },
      { role: 'tool', content: 'r', tool_call_id: 'c1' },
    ],
    stream: null,
    stream_options: { include_usage: true, other: 1 },
    max_tokens: 10,
    max_completion_tokens: null,
    top_p: 1,
    n: 1,
    stop: ['a', 'b'],
    tools: null,
    parallel_tool_calls: false,
    user: 'u',
    seed: -3,
    presence_penalty: 0,
    frequency_penalty: -1.5,
    logprobs: true,
    top_logprobs: 2,
    reasoning_effort: 'low',
  },
  withField('stop', 'END'),
];

/** Valid bodies of rarer shapes, which the hand check leaves to the schema. */
const RARE: Record<string, unknown>[] = [
  withMessage({ role: 'user', content: [{ type: 'text', text: 'hi' }] }),
  withMessage({ role: 'assistant', content: 'a', tool_calls: [] }),
  withMessage({ role: 'function', name: 'f', content: null }),
  withField('tools', [{ type: 'function', function: { name: 'f' } }]),
  withField('tool_choice', 'auto'),
  withField('response_format', { type: 'json_object' }),
  withField('logit_bias', { '1': 2 }),
];

/** Invalid bodies: the hand check must not take them. */
const INVALID: Record<string, unknown>[] = [
  { messages: base.messages },
  withField('model', ''),
  withField('model', 3),
  withField('messages', []),
  withField('messages', 'hi'),
  withMessage({ role: 'user', content: null }),
  withMessage({ role: 'user', content: 'hi', name: null }),
  withMessage({ role: 'robot', content: 'hi' }),
  withMessage({ content: 'hi' }),
  withMessage(['user', 'hi']),
  withMessage({ role: 'tool', content: 'r' }),
  withMessage({ role: 'assistant', refusal: 3 }),
  withField('stream', 'yes'),
  withField('stream_options', { include_usage: 'yes' }),
  withField('stream_options', []),
  withField('max_tokens', 0),
  withField('max_tokens', 1.5),
  withField('max_completion_tokens', -1),
  withField('n', 0),
  withField('temperature', '0.5'),
  withField('stop', [1]),
  withField('seed', 2 ** 60),
  withField('user', 1),
];

describe('isCommonChatRequest', () => {
  it('takes the common shape, which the schema takes as it is', () => {
    for (const body of COMMON) {
      expect(isCommonChatRequest(body), JSON.stringify(body)).toBe(true);
      expect(ChatCompletionRequestSchema.safeParse(body).data).toEqual(body);
    }
  });

  it('leaves rarer shapes to the schema, and never takes an invalid body', () => {
    for (const body of RARE) {
      expect(isCommonChatRequest(body), JSON.stringify(body)).toBe(false);
      expect(ChatCompletionRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(true);
    }
    for (const body of INVALID) {
      expect(isCommonChatRequest(body), JSON.stringify(body)).toBe(false);
      expect(ChatCompletionRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('checks every field the schema names (a field added there is not waved through here)', () => {
    // No field of the schema takes a nested array of numbers, so each such body is invalid.
    for (const key of Object.keys(ChatCompletionRequestSchema.shape)) {
      const body = withField(key, [[1]]);
      expect(ChatCompletionRequestSchema.safeParse(body).success, key).toBe(false);
      expect(isCommonChatRequest(body), key).toBe(false);
    }
  });

  it('whatever the body, one it takes is one the schema takes unchanged (property)', () => {
    // Values of every JSON kind, including the edges the schema's checks turn on.
    const value = fc.oneof(
      fc.constantFrom(null, true, false, 0, 1, -1, 1.5, 2 ** 60, '', 'x', 'user', [], {}),
      fc.string({ maxLength: 4 }),
      fc.double(),
      fc.array(fc.constantFrom('a', 1, null), { maxLength: 2 }),
      fc.dictionary(fc.constantFrom('include_usage', 'type', 'a'), fc.constantFrom(true, 'x', 1)),
    );
    const anyMessage = fc.record(
      {
        role: fc.oneof(
          fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function'),
          value,
        ),
        content: value,
        name: value,
        refusal: value,
        tool_calls: value,
        tool_call_id: value,
        extra: value,
      },
      { requiredKeys: [] },
    );
    // Mostly messages the hand check takes, so the bodies it judges are mostly the fields'.
    const textMessage = fc.record({
      role: fc.constantFrom('system', 'user', 'assistant', 'tool'),
      content: fc.string({ maxLength: 3 }),
      tool_call_id: fc.constant('c1'),
    });
    const keys = [...Object.keys(ChatCompletionRequestSchema.shape), 'extra'];
    const body = fc
      .tuple(
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 2 }),
        fc.oneof(
          { weight: 4, arbitrary: fc.array(textMessage, { minLength: 1, maxLength: 2 }) },
          { weight: 1, arbitrary: fc.array(anyMessage, { maxLength: 3 }) },
          { weight: 1, arbitrary: value },
        ),
        fc.oneof({ weight: 4, arbitrary: fc.constant('gpt-4o') }, { weight: 1, arbitrary: value }),
      )
      .map(([fields, messages, model]) => ({ ...fields, model, messages }));
    fc.assert(
      fc.property(body, (candidate) => {
        if (!isCommonChatRequest(candidate)) return;
        const parsed = ChatCompletionRequestSchema.safeParse(candidate);
        expect(parsed.success, JSON.stringify(candidate)).toBe(true);
        expect(parsed.data).toEqual(candidate);
      }),
      { numRuns: 20000 },
    );
  });
});
