import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isChatRequest } from '../../../app/formats/chatShape.ts';
import { ChatCompletionRequestSchema } from '../../../app/formats/openai.ts';
import { agentChatBody } from '../../bench/agentBodies.ts';
import { chatBody } from './generatedBodies.ts';

const base = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
const withField = (key: string, value: unknown) => ({ ...base, [key]: value });
const withMessage = (message: unknown) => ({ ...base, messages: [message] });

/** Bodies the hand check takes, and the schema takes as they are. */
const VALID: Record<string, unknown>[] = [
  agentChatBody(20),
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
  withMessage({ role: 'user', content: [{ type: 'text', text: 'hi' }] }),
  withMessage({ role: 'assistant', content: 'a', tool_calls: [] }),
  withMessage({ role: 'function', name: 'f', content: null }),
  withField('tools', [{ type: 'function', function: { name: 'f' } }]),
  withField('tool_choice', 'auto'),
  withField('response_format', { type: 'json_object' }),
  withField('logit_bias', { '1': 2 }),
  withMessage({
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url: 'data:x', detail: 'low' } },
      { type: 'input_audio', input_audio: { data: 'd', format: 'wav' } },
      { type: 'file', file: {} },
    ],
  }),
  withMessage({ role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }], name: 'a' }),
  withMessage({ role: 'tool', content: [{ type: 'text', text: 'r' }], tool_call_id: 'c1' }),
  withField('tools', [
    { type: 'function', function: { name: 'f', parameters: {}, strict: null, description: 'd' } },
    { type: 'custom', custom: { name: 'g' } },
  ]),
  withField('tool_choice', { type: 'function', function: { name: 'f' } }),
  withField('tool_choice', {
    type: 'allowed_tools',
    allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'f' } }] },
  }),
  withField('response_format', { type: 'json_schema', json_schema: { name: 's', schema: {} } }),
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
  withMessage({ role: 'function', name: 'f' }),
  withMessage({ role: 'user', content: [{ type: 'image_url', image_url: { url: '' } }] }),
  withMessage({ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'd' } }] }),
  withMessage({ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }),
  withMessage({ role: 'system', content: [{ type: 'image_url', image_url: { url: 'u' } }] }),
  withMessage({ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: {} }] }),
  withMessage({
    role: 'assistant',
    tool_calls: [{ id: 'c', function: { name: 'f', arguments: '' } }],
  }),
  withField('tools', [{ type: 'function', function: { name: '' } }]),
  withField('tools', [{ type: 'function', function: { name: 'f', parameters: [] } }]),
  withField('tools', [{ type: 'custom', custom: {} }]),
  withField('tool_choice', 'any'),
  withField('tool_choice', { type: 'allowed_tools', allowed_tools: { mode: 'any', tools: [] } }),
  withField('response_format', { type: 'json_schema', json_schema: { schema: {} } }),
  withField('logit_bias', { '1': 'high' }),
];

describe('isChatRequest', () => {
  it('takes valid bodies, which the schema takes as they are, and never an invalid one', () => {
    for (const body of VALID) {
      expect(isChatRequest(body), JSON.stringify(body).slice(0, 200)).toBe(true);
      expect(ChatCompletionRequestSchema.safeParse(body).data).toEqual(body);
    }
    for (const body of INVALID) {
      expect(isChatRequest(body), JSON.stringify(body)).toBe(false);
      expect(ChatCompletionRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('checks every field the schema names (a field added there is not waved through here)', () => {
    // No field of the schema takes a nested array of numbers, so each such body is invalid.
    for (const key of Object.keys(ChatCompletionRequestSchema.shape)) {
      const body = withField(key, [[1]]);
      expect(ChatCompletionRequestSchema.safeParse(body).success, key).toBe(false);
      expect(isChatRequest(body), key).toBe(false);
    }
  });

  it('takes exactly the bodies the schema takes, unchanged (property)', () => {
    const taken = { valid: 0, runs: 0 };
    fc.assert(
      fc.property(chatBody, (candidate) => {
        const parsed = ChatCompletionRequestSchema.safeParse(candidate);
        taken.runs++;
        if (parsed.success) taken.valid++;
        expect(isChatRequest(candidate), JSON.stringify(candidate)).toBe(parsed.success);
        if (parsed.success) expect(parsed.data).toEqual(candidate);
      }),
      { numRuns: 20000 },
    );
    // Both answers are common, so both sides of the checks were reached.
    expect(taken.valid / taken.runs).toBeGreaterThan(0.1);
    expect(taken.valid / taken.runs).toBeLessThan(0.9);
  });
});
