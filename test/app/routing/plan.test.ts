import { describe, expect, it } from 'vitest';
import type { Provider } from '../../../app/catalog/schema.ts';
import { RouteSchema, type Route } from '../../../app/config/schema.ts';
import { admit } from '../../../app/limiter/limiter.ts';
import { applyFailure, release } from '../../../app/limiter/outcomes.ts';
import { EMPTY_LIMITER_STATE, type LimiterState } from '../../../app/limiter/state.ts';
import {
  largerWindowCandidates,
  planRoute,
  type PlanCandidate,
  type PlanInput,
  type RequestFacts,
} from '../../../app/routing/plan.ts';
import {
  CEREBRAS,
  CUSTOM_UNKNOWN,
  GEMINI,
  GITHUB,
  GROQ,
  MISTRAL,
  OLLAMA,
  OPENAI,
  OPENROUTER,
  T0,
} from '../limiter/fixtures.ts';

function candidate(
  provider: Provider,
  model: string,
  keyId: string | undefined = 'k1',
  tier: 'free' | 'paid' = 'free',
): PlanCandidate {
  return { provider, model, keyId, tier };
}

function route(partial: Partial<Route> = {}): Route {
  return RouteSchema.parse({
    name: 'coding',
    targets: [{ provider: 'groq', model: 'x' }],
    ...partial,
  });
}

const FACTS: RequestFacts = { promptChars: 400, maxTokens: 256, hasTools: false, sensitive: false };

function plan(candidates: PlanCandidate[], extra: Partial<PlanInput> = {}) {
  return planRoute({
    candidates,
    route: route(),
    limiter: EMPTY_LIMITER_STATE,
    request: FACTS,
    detectSensitive: false,
    paidSpendTodayUsd: 0,
    now: T0,
    ...extra,
  });
}

describe('planRoute', () => {
  it('keeps the chain order, a provider’s keys side by side, and copies nothing when nothing is skipped', () => {
    const chain = [
      candidate(GROQ, 'llama-3.1-8b-instant', 'g1'),
      candidate(GROQ, 'llama-3.1-8b-instant', 'g2'),
      candidate(GEMINI, 'gemini-2.0-flash', 'gm'),
      candidate(OPENAI, 'gpt-4o-mini', 'paid', 'paid'),
    ];
    const result = plan(chain);
    expect(result.candidates).toBe(chain);
    expect(result.skipped).toEqual([]);
  });

  it('pool order: a spent first key falls to the provider’s next key before the chain moves on', () => {
    const chain = [
      candidate(GROQ, 'llama-3.1-8b-instant', 'g1'),
      candidate(GROQ, 'llama-3.1-8b-instant', 'g2'),
      candidate(GEMINI, 'gemini-2.0-flash', 'gm'),
    ];
    let limiter: LimiterState = EMPTY_LIMITER_STATE;
    for (let i = 0; i < 30; i++) {
      const r = admit(limiter, chain[0]!, { inputTokens: 1, outputTokens: 0 }, T0);
      if (!r.ok) throw new Error(r.message);
      limiter = r.state;
    }
    const result = plan(chain, { limiter });
    expect(result.candidates.map((c) => c.keyId)).toEqual(['g2', 'gm']);
    expect(result.skipped).toMatchObject([{ reason: 'no-capacity', until: T0 + 60_500 }]);
    expect(result.skipped[0]?.message).toMatch(/requests per minute/);
  });

  describe('privacy', () => {
    const sensitive = route({ privacy: 'sensitive' });
    const chain: PlanCandidate[] = [
      candidate(GEMINI, 'gemini-2.0-flash', 'free-gemini'),
      candidate(GEMINI, 'gemini-2.0-flash', 'paid-gemini', 'paid'),
      candidate(GROQ, 'llama-3.1-8b-instant'),
      candidate(MISTRAL, 'mistral-small-latest'),
      candidate(OPENAI, 'gpt-4o-mini', 'oa', 'paid'),
      { provider: OLLAMA, model: 'qwen2.5-coder:7b', keyId: undefined, tier: 'free' },
    ];

    it('a sensitive route skips every policy that is not "no", naming the field', () => {
      const result = plan(chain, { route: sensitive });
      expect(result.candidates.map((c) => `${c.provider.id}:${c.keyId ?? '-'}`)).toEqual([
        'gemini:paid-gemini',
        'openai:oa',
        'ollama:-',
      ]);
      const byProvider = Object.fromEntries(
        result.skipped.map((s) => [s.candidate.provider.id, s]),
      );
      expect(result.skipped.every((s) => s.reason === 'privacy')).toBe(true);
      expect(byProvider['gemini']?.message).toMatch(
        /dataPolicy\.trainsOnFreeInputs is "yes" for free keys/,
      );
      expect(byProvider['groq']?.message).toMatch(/dataPolicy\.trainsOnFreeInputs is "unknown"/);
      expect(byProvider['mistral']?.message).toMatch(/dataPolicy\.trainsOnFreeInputs is "opt-out"/);
      expect(byProvider['gemini']?.message).toMatch(/route "coding" is marked sensitive/);
    });

    it('a paid key is judged by trainsOnPaidInputs', () => {
      const result = plan([candidate(CUSTOM_UNKNOWN, 'm', 'c', 'paid')], { route: sensitive });
      expect(result.skipped[0]?.message).toMatch(
        /dataPolicy\.trainsOnPaidInputs is "unknown" for paid keys/,
      );
    });

    it('a request detected sensitive counts only with settings.detectSensitive on', () => {
      const request = { ...FACTS, sensitive: true };
      expect(plan(chain, { request }).skipped).toEqual([]);
      const result = plan(chain, { request, detectSensitive: true });
      expect(result.skipped).toHaveLength(3);
      expect(result.skipped[0]?.message).toMatch(/looks like it holds secrets or personal data/);
      // A direct provider/model request (no route) is checked the same way.
      expect(
        plan(chain, { route: undefined, request, detectSensitive: true }).skipped,
      ).toHaveLength(3);
    });
  });

  describe('paid budget', () => {
    const budgeted = route({ paidBudgetUsdPerDay: 2 });
    const chain = [
      candidate(GROQ, 'llama-3.1-8b-instant'),
      candidate(OPENAI, 'gpt-4o-mini', 'oa', 'paid'),
    ];

    it('paid keys are skipped once the day’s spend reaches the budget, until local midnight', () => {
      expect(plan(chain, { route: budgeted, paidSpendTodayUsd: 1.99 }).skipped).toEqual([]);
      const result = plan(chain, {
        route: budgeted,
        paidSpendTodayUsd: 2,
        timeZone: () => 'Europe/Berlin',
      });
      expect(result.candidates.map((c) => c.provider.id)).toEqual(['groq']);
      expect(result.skipped[0]).toMatchObject({
        reason: 'budget',
        until: Date.parse('2026-03-10T23:00:00Z'),
      });
      expect(result.skipped[0]?.message).toMatch(
        /paid budget of \$2 for route "coding" is spent today; it resets at 00:00 local time/,
      );
    });

    it('without a budget, or for a direct request, paid keys stay', () => {
      expect(plan(chain, { paidSpendTodayUsd: 1000 }).skipped).toEqual([]);
      expect(plan(chain, { route: undefined, paidSpendTodayUsd: 1000 }).skipped).toEqual([]);
    });
  });

  describe('context window', () => {
    it('a prompt larger than the model’s window (or its per-request input limit) skips it', () => {
      const chain = [
        candidate(CEREBRAS, 'llama3.1-8b'),
        candidate(GITHUB, 'openai/gpt-4o-mini'),
        candidate(OPENAI, 'gpt-4o-mini', 'oa', 'paid'),
        candidate(CUSTOM_UNKNOWN, 'whatever'),
      ];
      const result = plan(chain, {
        request: { ...FACTS, promptChars: 40_000, maxTokens: undefined },
      });
      expect(result.candidates.map((c) => c.provider.id)).toEqual(['openai', 'custom-llm']);
      expect(result.skipped.map((s) => s.reason)).toEqual(['context', 'context']);
      expect(result.skipped[0]?.message).toMatch(
        /about 10000 tokens\) is larger than the model's context window of 8192/,
      );
      expect(result.skipped[1]?.message).toMatch(/8000 input tokens a request may carry/);
    });

    it('charges a target only the output tokens it will be asked for', () => {
      // Claude Code asks for 32,000 output tokens; this model writes at most 4,096, and the
      // request is sent with that, so it fits the 6,000-token minute.
      const capped: Provider = {
        ...GROQ,
        models: GROQ.models.map((m) =>
          m.id === 'llama-3.1-8b-instant' ? { ...m, maxOutputTokens: 4096 } : m,
        ),
      };
      const request = { ...FACTS, maxTokens: 32_000 };
      expect(plan([candidate(capped, 'llama-3.1-8b-instant')], { request }).skipped).toEqual([]);
      expect(
        plan([candidate(GROQ, 'llama-3.1-8b-instant')], { request }).skipped.map((s) => s.reason),
      ).toEqual(['no-capacity']);
    });

    it('largerWindowCandidates keeps larger and unknown windows, in order', () => {
      const rest = [
        candidate(CEREBRAS, 'llama3.1-8b'),
        candidate(OPENAI, 'gpt-4o-mini', 'oa', 'paid'),
        candidate(CUSTOM_UNKNOWN, 'whatever'),
        candidate(OPENAI, 'gpt-4.1-mini', 'oa', 'paid'),
      ];
      expect(largerWindowCandidates(rest, 128000).map((c) => c.model)).toEqual([
        'whatever',
        'gpt-4.1-mini',
      ]);
      expect(largerWindowCandidates(rest, undefined)).toEqual(rest);
    });
  });

  describe('limiter status', () => {
    const chain = [
      candidate(GROQ, 'llama-3.1-8b-instant'),
      candidate(GEMINI, 'gemini-2.0-flash'),
      candidate(OPENROUTER, 'meta-llama/llama-3.3-70b-instruct:free'),
      candidate(OPENAI, 'gpt-4o-mini', 'oa', 'paid'),
    ];
    /** The limiter once groq (the chain's first) is rate-limited until `until`. */
    const groqCooling = (state: LimiterState, until: number) =>
      applyFailure(
        state,
        chain[0]!,
        {
          class: 'transient',
          cooldownUntil: until,
          reason: 'Rate-limited by groq.',
          retryElsewhere: true,
        },
        T0,
      );

    it('cooling, parked and invalid targets are skipped with when they return', () => {
      let limiter = groqCooling(EMPTY_LIMITER_STATE, T0 + 20_000);
      limiter = applyFailure(
        limiter,
        chain[1]!,
        {
          class: 'exhausted',
          parkUntil: T0 + 3_600_000,
          reason: 'Daily quota used up.',
          retryElsewhere: true,
        },
        T0,
      );
      limiter = applyFailure(
        limiter,
        chain[2]!,
        { class: 'key-invalid', reason: 'Key rejected (HTTP 401).', retryElsewhere: true },
        T0,
      );
      const result = plan(chain, { limiter });
      expect(result.candidates.map((c) => c.provider.id)).toEqual(['openai']);
      expect(result.skipped).toMatchObject([
        { reason: 'cooling', until: T0 + 20_000 },
        { reason: 'parked', until: T0 + 3_600_000 },
        { reason: 'invalid' },
      ]);
      expect(result.skipped[0]?.message).toMatch(/cooling down for 20 s\. Rate-limited by groq\./);
      expect(result.skipped[1]?.message).toMatch(
        /parked \(quota used up\) for 1 h\. Daily quota used up\./,
      );
      expect(
        plan(chain, { limiter, now: T0 + 20_000 }).candidates.map((c) => c.provider.id),
      ).toEqual(['groq', 'openai']);
    });

    it('a route that waits keeps a cooling target that returns within the wait, not one beyond it', () => {
      const limiter = groqCooling(EMPTY_LIMITER_STATE, T0 + 1_000);
      const waits = { mode: 'wait' as const, maxWaitMs: 2_000 };
      const kept = plan(chain, { limiter, route: route({ onLimit: waits }) });
      expect(kept.candidates[0]?.provider.id).toBe('groq');
      const short = { mode: 'wait' as const, maxWaitMs: 500 };
      const skipped = plan(chain, { limiter, route: route({ onLimit: short }) });
      expect(skipped.skipped).toMatchObject([{ reason: 'cooling', until: T0 + 1_000 }]);
    });

    it('an open circuit is skipped as "open" until its probe time; a route that waits keeps it', () => {
      let limiter: LimiterState = EMPTY_LIMITER_STATE;
      const failure = {
        class: 'transient' as const,
        reason: 'Server error: groq answered HTTP 500.',
        retryElsewhere: true,
        tripsBreaker: true,
      };
      for (let i = 0; i < 5; i++) {
        const r = admit(limiter, chain[0]!, { inputTokens: 1, outputTokens: 0 }, T0);
        if (!r.ok) throw new Error(r.message);
        limiter = release(r.state, chain[0]!, r.ticket, { status: 500, failure }, T0);
      }
      const result = plan(chain, { limiter });
      expect(result.skipped).toMatchObject([{ reason: 'open', until: T0 + 1_000 }]);
      expect(result.skipped[0]?.message).toMatch(/circuit open/);
      const waits = { mode: 'wait' as const, maxWaitMs: 2_000 };
      expect(plan(chain, { limiter, route: route({ onLimit: waits }) }).skipped).toEqual([]);
      expect(plan(chain, { limiter, now: T0 + 1_000 }).candidates[0]?.provider.id).toBe('groq');
    });

    it('a route that waits keeps a target whose room returns within the wait', () => {
      let limiter: LimiterState = EMPTY_LIMITER_STATE;
      for (let i = 0; i < 30; i++) {
        const r = admit(limiter, chain[0]!, { inputTokens: 1, outputTokens: 0 }, T0);
        if (!r.ok) throw new Error(r.message);
        limiter = r.state;
      }
      const now = T0 + 59_000;
      const waits = route({ onLimit: { mode: 'wait', maxWaitMs: 2000 } });
      const waited = plan(chain, { limiter, now, route: waits });
      expect(waited.skipped).toEqual([]);
      // Kept, but marked as waited for: session affinity does not hold a turn for it.
      expect(waited.waiting).toEqual([chain[0]]);
      expect(plan(chain, { limiter, now }).skipped.map((s) => s.reason)).toEqual(['no-capacity']);
    });

    it('a request larger than a whole window is skipped as no-capacity without until', () => {
      const result = plan(chain, { request: { ...FACTS, promptChars: 24_000, maxTokens: 1000 } });
      expect(result.skipped).toHaveLength(1);
      expect(result.skipped[0]).toMatchObject({ reason: 'no-capacity' });
      expect(result.skipped[0]?.until).toBeUndefined();
      expect(result.skipped[0]?.message).toMatch(/limit is 6000 tokens per minute/);
    });
  });
});
