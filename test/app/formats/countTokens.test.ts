import { describe, expect, it } from 'vitest';
import { CountTokensRequestSchema } from '../../../app/formats/anthropic.ts';
import {
  countableText,
  IMAGE_TOKENS,
  MESSAGE_OVERHEAD_TOKENS,
} from '../../../app/formats/countTokens.ts';

describe('countableText', () => {
  it('collects every text the model reads and a fixed cost for media and framing', () => {
    const req = CountTokensRequestSchema.parse({
      model: 'm',
      system: [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } },
          ],
        },
        { role: 'system', content: 'mid' },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 't1',
              is_error: true,
              content: [{ type: 'text', text: 'boom' }],
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } },
          ],
        },
      ],
      tools: [{ name: 'Bash', description: 'Run', input_schema: { type: 'object' } }],
    });
    const out = countableText(req);
    expect(out.texts).toEqual([
      'sys',
      'look',
      'hmm',
      'Bash',
      '{"command":"ls"}',
      'mid',
      'boom',
      'doc',
      'Bash',
      'Run',
      '{"type":"object"}',
    ]);
    expect(out.fixedTokens).toBe(IMAGE_TOKENS + 4 * MESSAGE_OVERHEAD_TOKENS);
  });
});
