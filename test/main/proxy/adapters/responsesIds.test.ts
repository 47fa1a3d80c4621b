import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from '../../../../app/formats/openai.ts';
import type { HubRequest } from '../../../../main/proxy/adapter.ts';
import { RESPONSES } from '../../../../main/proxy/adapters/responses.ts';

const request: HubRequest = {
  kind: 'responses',
  inbound: 'responses',
  body: { model: 'm', input: 'hi', store: false },
  id: 'r1',
  model: 'm',
  stream: false,
  promptChars: 2,
  maxTokens: undefined,
  receivedAt: 0,
};

const completion = (): ChatCompletion => ({
  id: 'c',
  object: 'chat.completion',
  created: 0,
  model: 'm',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'hello', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
});

describe('Responses answers made through the hub', () => {
  it('carry response and item ids of 32 random hex digits, distinct across many answers', () => {
    const ids = new Set<string>();
    // Enough answers to spend the id buffer more than once.
    for (let i = 0; i < 600; i++) {
      const answer = RESPONSES.caller.answer(completion(), 'm', 'p/m', request) as {
        id: string;
        output: Array<{ id: string }>;
      };
      expect(answer.id).toMatch(/^resp_[0-9a-f]{32}$/);
      expect(answer.output[0]!.id).toMatch(/^msg_[0-9a-f]{32}$/);
      ids.add(answer.id).add(answer.output[0]!.id);
    }
    expect(ids.size).toBe(1200);
  });
});
