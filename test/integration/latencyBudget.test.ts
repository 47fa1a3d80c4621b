import type OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './harness.ts';
import { CHAINS, keysFor, mocksFor } from './testConfig.ts';

const KEYS = keysFor('hedge', [
  ['groq-main', 'groq'],
  ['cerebras-main', 'cerebras'],
]);

let t: TestEngine;
let openai: OpenAI;

// Each test has its own engine and mocks: none depends on another's faults or behaviour.
beforeEach(async () => {
  t = await startTestEngine({
    mocks: mocksFor(['groq', 'cerebras']),
    keys: KEYS,
    routes: [CHAINS.fast],
  });
  openai = t.openai();
});
afterEach(async () => {
  await t?.close();
});

describe('latency budget', () => {
  it('overtakes a stalled first target within the budget and aborts its request', async () => {
    t.mocks.groq!.queueFaults({ kind: 'stall-before-headers' });
    const { data, response } = await openai.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'race me' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toContain('race me');
    expect(response.headers.get('x-switchyard-provider')).toBe('cerebras');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    const id = response.headers.get('x-switchyard-request-id')!;
    const detail = (await (await t.adminFetch(`/admin/requests/${id}`)).json()) as {
      attempts: Array<{ provider: string; outcome: string; hedged: boolean; startedAt: number }>;
    };
    expect(detail.attempts.map((a) => [a.provider, a.outcome, a.hedged])).toEqual([
      ['groq', 'lost-race', false],
      ['cerebras', 'ok', true],
    ]);
    await expect.poll(() => t.mocks.groq!.requests[0]?.aborted, { timeout: 2000 }).toBe(true);
  });

  it('a slow first token is overtaken too when streaming, and the winner streams to the end', async () => {
    t.mocks.groq!.setBehavior({ latencyMs: 2000 });
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'fast',
        stream: true,
        messages: [{ role: 'user', content: 'stream the race' }],
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('stream the race');
    // The hedge really ran and won: the second target answered, on the second attempt.
    expect(response.headers.get('x-switchyard-provider')).toBe('cerebras');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
  });

  it('does not start a second target when the first answers within the budget', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'quick one' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-provider')).toBe('groq');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(t.mocks.cerebras!.requests).toHaveLength(0);
  });
});
