import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CountTokensRequestSchema, MessagesRequestSchema } from '../../../app/formats/anthropic.ts';
import { isCountTokensRequest, isMessagesRequest } from '../../../app/formats/anthropicShape.ts';
import { claudeCodeBody } from '../../bench/agentBodies.ts';
import { anthropicBody } from './generatedBodies.ts';

const base = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const withField = (key: string, value: unknown) => ({ ...base, [key]: value });
const withBlock = (block: unknown) => withField('messages', [{ role: 'user', content: [block] }]);
const image = (source: unknown) => withBlock({ type: 'image', source });
const toolResult = (content: unknown) =>
  withBlock({ type: 'tool_result', tool_use_id: 't1', content });

/** Bodies the hand check takes, and the schema takes as they are. */
const VALID: Record<string, unknown>[] = [
  base,
  claudeCodeBody(20),
  claudeCodeBody(45),
  {
    ...base,
    messages: [
      { role: 'system', content: 'mid-conversation', extra: 1 },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'q', cache_control: null },
          { type: 'image', source: { type: 'url', url: 'https://x' } },
          { type: 'image', source: { type: 'file', file_id: 'f' }, cache_control: { type: 'e' } },
          { type: 'document', source: { type: 'text', data: 'd' }, title: null },
          { type: 'document', source: { type: 'url', url: 'u', media_type: 'x' }, title: 't' },
          { type: 'server_tool_use', anything: [1] },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'redacted_thinking', data: 'opaque' },
          { type: 'tool_use', id: 't1', name: 'Bash', input: null },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1' },
          { type: 'tool_result', tool_use_id: 't2', content: [], is_error: false },
          {
            type: 'tool_result',
            tool_use_id: 't3',
            content: [
              { type: 'search_result', x: 1 },
              { type: 'document', source: { type: 'x' } },
            ],
          },
        ],
      },
    ],
    system: 'be brief',
    tools: [
      { name: 'web_search', type: 'web_search_20250305', max_uses: 3 },
      { name: 'f', type: null, input_schema: {} },
    ],
    tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
    stop_sequences: [],
    top_p: 0.5,
    top_k: 5,
    stream: false,
    metadata: { user_id: null },
    thinking: { type: 'adaptive' },
    output_config: { effort: 'high' },
  },
  withField('tool_choice', { type: 'none' }),
  withField('metadata', {}),
];

/** Invalid bodies: the hand check must not take them. */
const INVALID: Record<string, unknown>[] = [
  { model: 'm', messages: base.messages },
  withField('max_tokens', 0),
  withField('max_tokens', 1.5),
  withField('model', ''),
  withField('messages', []),
  withField('messages', [{ role: 'tool', content: 'x' }]),
  withField('messages', [{ role: 'user', content: null }]),
  withBlock('text'),
  withBlock({ text: 'no type' }),
  withBlock({ type: 'text', text: 1 }),
  withBlock({ type: 'text', text: 'x', cache_control: {} }),
  withBlock({ type: 'tool_use', id: 't', input: {} }),
  withBlock({ type: 'tool_use', id: 't', name: 'Bash' }),
  withBlock({ type: 'thinking', thinking: 'x' }),
  withBlock({ type: 'redacted_thinking' }),
  withBlock({ type: 'document', source: { type: 'text', data: null } }),
  withBlock({ type: 'document', source: { type: 'text' }, title: 3 }),
  image({ type: 'base64', data: 'x' }),
  image({ type: 'url' }),
  image({ type: 'path', path: '/x' }),
  toolResult(null),
  toolResult([{ type: 'text' }]),
  toolResult([{ type: 'image', source: { type: 'url' } }]),
  withBlock({ type: 'tool_result', tool_use_id: 't', is_error: 'yes' }),
  withField('system', [{ type: 'image', source: { type: 'url', url: 'u' } }]),
  withField('system', [{ text: 'x' }]),
  withField('tools', [{ name: '', input_schema: {} }]),
  withField('tools', [{ name: 'f' }]),
  withField('tools', [{ name: 'f', type: 'custom' }]),
  withField('tools', [{ name: 'f', input_schema: [] }]),
  withField('tools', [{ name: 'f', input_schema: {}, description: null }]),
  withField('tool_choice', 'auto'),
  withField('tool_choice', { type: 'tool' }),
  withField('tool_choice', { type: 'auto', disable_parallel_tool_use: 1 }),
  withField('stop_sequences', ['a', 1]),
  withField('temperature', null),
  withField('top_k', 1.5),
  withField('stream', 'true'),
  withField('metadata', { user_id: 1 }),
  withField('thinking', { budget_tokens: 10 }),
  withField('thinking', { type: 'enabled', budget_tokens: 1.5 }),
];

describe('isMessagesRequest', () => {
  it('takes valid bodies, which the schema takes as they are, and never an invalid one', () => {
    for (const body of VALID) {
      expect(isMessagesRequest(body), JSON.stringify(body).slice(0, 200)).toBe(true);
      expect(MessagesRequestSchema.safeParse(body).data).toEqual(body);
    }
    for (const body of INVALID) {
      expect(isMessagesRequest(body), JSON.stringify(body)).toBe(false);
      expect(MessagesRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('checks every field the schema names (a field added there is not waved through here)', () => {
    // No field of the schema takes a nested array of numbers, so each such body is invalid.
    for (const key of Object.keys(MessagesRequestSchema.shape)) {
      const body = withField(key, [[1]]);
      expect(MessagesRequestSchema.safeParse(body).success, key).toBe(false);
      expect(isMessagesRequest(body), key).toBe(false);
      expect(isCountTokensRequest(body), key).toBe(key === 'max_tokens');
    }
  });

  it('takes a token count without max_tokens, as its schema does', () => {
    const { max_tokens: _, ...count } = base;
    expect(isCountTokensRequest(count)).toBe(true);
    expect(CountTokensRequestSchema.safeParse(count).success).toBe(true);
    expect(isMessagesRequest(count)).toBe(false);
  });

  it('takes exactly the bodies the schema takes, unchanged (property)', () => {
    const taken = { messages: 0, count: 0, runs: 0 };
    fc.assert(
      fc.property(anthropicBody, (candidate) => {
        taken.runs++;
        if (isMessagesRequest(candidate)) taken.messages++;
        if (isCountTokensRequest(candidate)) taken.count++;
        for (const [schema, check] of [
          [MessagesRequestSchema, isMessagesRequest],
          [CountTokensRequestSchema, isCountTokensRequest],
        ] as const) {
          const parsed = schema.safeParse(candidate);
          expect(check(candidate), JSON.stringify(candidate)).toBe(parsed.success);
          if (parsed.success) expect(parsed.data).toEqual(candidate);
        }
      }),
      { numRuns: 20000 },
    );
    // Both answers are common, so both sides of the checks were reached.
    expect(taken.messages / taken.runs).toBeGreaterThan(0.1);
    expect(taken.count / taken.runs).toBeLessThan(0.85);
  });
});
