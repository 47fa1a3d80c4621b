import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResponsesRequestSchema } from '../../../app/formats/responses.ts';
import { isResponsesRequest } from '../../../app/formats/responsesShape.ts';

const base = { model: 'gpt-5-codex', input: 'hi' };
const withField = (key: string, value: unknown) => ({ ...base, [key]: value });

/** Bodies the hand check takes, and the schema takes as they are. */
const VALID: Record<string, unknown>[] = [
  base,
  { model: 'm' },
  {
    model: 'gpt-5-codex',
    instructions: 'be brief',
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'q' }] },
      { role: 'assistant', content: 'a' },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      { type: 'reasoning', encrypted_content: 'x', summary: [] },
    ],
    tools: [
      { type: 'function', name: 'shell', parameters: { type: 'object' } },
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
      { type: 'web_search' },
    ],
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: 'k',
    text: { format: { type: 'json_schema', schema: {} }, verbosity: 'low' },
    max_output_tokens: 100,
    temperature: 0.2,
    top_p: null,
    user: 'u',
    metadata: { a: 'b' },
    previous_response_id: null,
    extra: [1],
  },
  withField('tool_choice', { type: 'function', name: 'f' }),
  withField('text', { format: null }),
  withField('input', []),
];

/** Invalid bodies: the hand check must not take them. */
const INVALID: Record<string, unknown>[] = [
  { input: 'hi' },
  withField('model', ''),
  withField('model', 3),
  withField('input', 3),
  withField('input', null),
  withField('input', [{ type: 3 }]),
  withField('input', [{ role: null }]),
  withField('input', ['hi']),
  withField('tools', [{ name: 'f' }]),
  withField('tools', [{ type: 'function', name: null }]),
  withField('tool_choice', { name: 'f' }),
  withField('text', { format: { type: 1 } }),
  withField('text', []),
  withField('reasoning', { effort: 1 }),
  withField('max_output_tokens', 0),
  withField('max_output_tokens', 1.5),
  withField('temperature', '0.5'),
  withField('include', [1]),
  withField('metadata', { a: 1 }),
  withField('metadata', ['a']),
  withField('store', 'no'),
];

describe('isResponsesRequest', () => {
  it('takes valid bodies, which the schema takes as they are, and never an invalid one', () => {
    for (const body of VALID) {
      expect(isResponsesRequest(body), JSON.stringify(body)).toBe(true);
      expect(ResponsesRequestSchema.safeParse(body).data).toEqual(body);
    }
    for (const body of INVALID) {
      expect(isResponsesRequest(body), JSON.stringify(body)).toBe(false);
      expect(ResponsesRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
    }
  });

  it('checks every field the schema names (a field added there is not waved through here)', () => {
    // No field of the schema takes a nested array of numbers, so each such body is invalid.
    for (const key of Object.keys(ResponsesRequestSchema.shape)) {
      const body = withField(key, [[1]]);
      expect(ResponsesRequestSchema.safeParse(body).success, key).toBe(false);
      expect(isResponsesRequest(body), key).toBe(false);
    }
  });

  it('takes exactly the bodies the schema takes, unchanged (property)', () => {
    // Values of every JSON kind, including the edges the schema's checks turn on.
    const scalar = fc.oneof(
      fc.constantFrom(null, true, false, 0, 1, -1, 1.5, 2 ** 60, '', 'x', 'user', [], {}),
      fc.string({ maxLength: 4 }),
      fc.double(),
    );
    const object = fc.dictionary(
      fc.constantFrom('type', 'role', 'name', 'format', 'effort', 'summary', 'a'),
      fc.oneof(scalar, fc.record({ type: scalar }, { requiredKeys: [] })),
      { maxKeys: 3 },
    );
    const value = fc.oneof(scalar, object, fc.array(fc.oneof(scalar, object), { maxLength: 2 }));
    const keys = [...Object.keys(ResponsesRequestSchema.shape), 'extra'];
    const body = fc
      .tuple(
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 3 }),
        fc.oneof({ weight: 4, arbitrary: fc.constant('m') }, { weight: 1, arbitrary: value }),
      )
      .map(([fields, model]) => ({ ...fields, model }));
    fc.assert(
      fc.property(body, (candidate) => {
        const parsed = ResponsesRequestSchema.safeParse(candidate);
        expect(isResponsesRequest(candidate), JSON.stringify(candidate)).toBe(parsed.success);
        if (parsed.success) expect(parsed.data).toEqual(candidate);
      }),
      { numRuns: 20000 },
    );
  });
});
