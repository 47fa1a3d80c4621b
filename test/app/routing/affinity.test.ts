import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../app/catalog/schema.ts';
import { affinityNote, keepSession, sessionSource } from '../../../app/routing/affinity.ts';
import type { PlanCandidate } from '../../../app/routing/plan.ts';

const groq = { id: 'groq', name: 'Groq' } as Provider;
const c = (keyId: string): PlanCandidate => ({
  provider: groq,
  model: 'llama',
  keyId,
  tier: 'free',
});

describe('session affinity', () => {
  it('puts the previous turn’s target first while the plan has it, else keeps the plan', () => {
    const plan = [c('g1'), c('g2'), c('g3')];
    const previous = { provider: 'groq', keyId: 'g2', model: 'llama' };
    expect(keepSession(plan, previous).map((x) => x.keyId)).toEqual(['g2', 'g1', 'g3']);
    expect(keepSession([c('g1'), c('g3')], previous).map((x) => x.keyId)).toEqual(['g1', 'g3']);
    expect(keepSession(plan, undefined)).toBe(plan);
    // In the plan only because the route would wait for it: no room now, so no keeping.
    expect(keepSession(plan, previous, [plan[1] as PlanCandidate])).toBe(plan);
    expect(affinityNote(previous, previous)).toBe('kept on groq key "g2" (llama): same session');
    expect(affinityNote(previous, { ...previous, keyId: 'g1' })).toBe(
      'moved off groq key "g2" (llama) to groq key "g1" (llama): it could not serve this turn',
    );
    expect(affinityNote(undefined, previous)).toBeUndefined();
  });

  it('takes the client’s own session id first, else the system prompt and first message', () => {
    expect(sessionSource({ metadata: { user_id: 'user_x_session_1' }, user: 'u' }, 'h')).toEqual({
      from: 'client',
      text: 'user_x_session_1',
      continues: true,
    });
    expect(sessionSource({ prompt_cache_key: 'pck' }, 'h')?.text).toBe('pck');
    expect(sessionSource({}, 'codex-session')?.text).toBe('codex-session');
    expect(sessionSource({ user: 'me' }, undefined)?.text).toBe('me');
    const first = { role: 'user', content: 'fix the bug' };
    const turn1 = sessionSource({ system: 'S', messages: [first] }, undefined);
    const turn3 = sessionSource(
      {
        system: 'S',
        messages: [
          first,
          { role: 'assistant', content: 'done' },
          { role: 'user', content: 'thanks' },
        ],
      },
      undefined,
    );
    expect(turn1?.text).toBe(turn3?.text);
    expect([turn1?.continues, turn3?.continues]).toEqual([false, true]);
    expect(sessionSource({ messages: [] }, undefined)).toBeUndefined();
  });

  it('reads a Gemini or Responses conversation like a chat one: its system prompt, first turn, answers', () => {
    const first = { role: 'user', parts: [{ text: 'fix the bug' }] };
    const gemini = (contents: unknown[], system: string) =>
      sessionSource({ systemInstruction: { parts: [{ text: system }] }, contents }, undefined);
    const turn1 = gemini([first], 'S');
    const turn3 = gemini(
      [first, { role: 'model', parts: [{ text: 'done' }] }, { role: 'user', parts: [] }],
      'S',
    );
    expect(turn1?.text).toBe(turn3?.text);
    expect([turn1?.continues, turn3?.continues]).toEqual([false, true]);
    expect(gemini([first], 'other')?.text).not.toBe(turn1?.text);
    const responses = (input: unknown[], instructions: string) =>
      sessionSource({ instructions, input }, undefined);
    const ask = { role: 'user', content: 'fix the bug' };
    const r1 = responses([ask], 'S');
    const r3 = responses([ask, { type: 'message', role: 'assistant', content: 'done' }], 'S');
    expect(r1?.text).toBe(r3?.text);
    expect([r1?.continues, r3?.continues]).toEqual([false, true]);
    expect(responses([ask], 'other')?.text).not.toBe(r1?.text);
  });
});
