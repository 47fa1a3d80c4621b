import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  admit,
  checkAdmit,
  demandOf,
  targetStatus,
  type AdmitResult,
  type Ticket,
} from '../../../app/limiter/limiter.ts';
import {
  applyFailure,
  clearKey,
  observeHeaders,
  release,
  seedTargets,
} from '../../../app/limiter/outcomes.ts';
import {
  EMPTY_LIMITER_STATE,
  poolIdOf,
  type Demand,
  type LimiterState,
  type LimiterTarget,
} from '../../../app/limiter/state.ts';
import { limiterView, type LimiterWindowView } from '../../../app/limiter/view.ts';
import { cancelledByClient, classifyFailure } from '../../../app/ratelimit/classify.ts';
import { GEMINI_PER_DAY } from '../ratelimit/fixtures.ts';
import {
  ANTHROPIC,
  CEREBRAS,
  GEMINI,
  GITHUB,
  GROQ,
  headers,
  MISTRAL,
  OPENAI,
  OPENROUTER,
  T0,
  target,
  TOGETHER,
} from './fixtures.ts';

const SMALL: Demand = { inputTokens: 10, outputTokens: 0 };

/** The state once one response's rate-limit headers are seen, with nothing counted before. */
function reported(t: LimiterTarget, record: Record<string, string>): LimiterState {
  return observeHeaders(EMPTY_LIMITER_STATE, t, headers(record), T0);
}
const OK_200 = { status: 200 };

/** Refused when asked at `asked` (for `refusal.reason`, if given), admitted from its retryAt on. */
function expectRefusedUntil(
  state: LimiterState,
  t: LimiterTarget,
  asked: number,
  refusal: { reason?: string; retryAt: number },
): void {
  expect(admit(state, t, SMALL, asked)).toMatchObject({ ok: false, ...refusal });
  expect(admit(state, t, SMALL, refusal.retryAt).ok).toBe(true);
}

function ok(result: AdmitResult): { state: LimiterState; ticket: Ticket } {
  if (!result.ok) throw new Error(`expected admission, got ${result.reason}: ${result.message}`);
  return result;
}

/** Admits `count` requests at `now`, returning the state and the tickets. */
function take(
  state: LimiterState,
  t: LimiterTarget,
  count: number,
  now: number,
  demand: Demand = SMALL,
): { state: LimiterState; tickets: Ticket[] } {
  const tickets: Ticket[] = [];
  for (let i = 0; i < count; i++) {
    const r = ok(admit(state, t, demand, now));
    state = r.state;
    tickets.push(r.ticket);
  }
  return { state, tickets };
}

function windowOf(
  state: LimiterState,
  t: LimiterTarget,
  window: string,
  now: number,
): LimiterWindowView {
  const id = poolIdOf(t);
  const pool = limiterView(state, now).pools.find(
    (p) => `${p.provider}|${p.keyId ?? ''}|${p.model ?? '*'}` === id,
  );
  const w = pool?.windows.find((x) => x.window === window);
  if (w === undefined) throw new Error(`no ${window} window in ${id}`);
  return w;
}

describe('admission: seeded from the catalog, counted locally', () => {
  const groq = target(GROQ, 'llama-3.1-8b-instant');

  it('a free key gets the catalog limits; a burst of 30 RPM fills the minute', () => {
    const { state } = take(EMPTY_LIMITER_STATE, groq, 30, T0);
    const refused = admit(state, groq, SMALL, T0 + 10);
    expect(refused).toMatchObject({ ok: false, reason: 'window' });
    expect(refused.ok || refused.message).toMatch(/requests per minute/);
  });

  it('the log keeps a minute at 30 even though a bucket would have refilled half way', () => {
    const { state } = take(EMPTY_LIMITER_STATE, groq, 30, T0);
    // A token bucket of 30/min holds 15 again after 30 s; a fixed-window provider would refuse them.
    const half = admit(state, groq, SMALL, T0 + 30_000);
    expect(half).toMatchObject({ ok: false, reason: 'window', retryAt: T0 + 60_500 });
    expect(admit(state, groq, SMALL, T0 + 60_499).ok).toBe(false);
    expect(admit(state, groq, SMALL, T0 + 60_500).ok).toBe(true);
  });

  it('a paid key has no seeded limits', () => {
    const paid = target(GROQ, 'llama-3.1-8b-instant', 'k2', 'paid');
    const { state } = take(EMPTY_LIMITER_STATE, paid, 100, T0);
    expect(limiterView(state, T0).pools[0]?.windows).toEqual([]);
  });

  it('config limits replace the catalog figure and show as config', () => {
    const configured: LimiterTarget = { ...groq, limits: { rpm: 2 } };
    const { state } = take(EMPTY_LIMITER_STATE, configured, 2, T0);
    expect(admit(state, configured, SMALL, T0).ok).toBe(false);
    const fresh = seedTargets(EMPTY_LIMITER_STATE, [configured], T0);
    expect(windowOf(fresh, configured, 'rpm', T0)).toMatchObject({ limit: 2, source: 'config' });
    expect(windowOf(fresh, configured, 'rpd', T0)).toMatchObject({
      limit: 14400,
      source: 'catalog',
    });
  });

  it('seeding the targets a state already holds returns that state, so a restart saves nothing', () => {
    const configured: LimiterTarget = { ...groq, keyId: 'k3', limits: { rpm: 2 } };
    const paid = target(GROQ, 'llama-3.1-8b-instant', 'k2', 'paid');
    const seeded = seedTargets(EMPTY_LIMITER_STATE, [groq, configured, paid], T0);
    const used = take(seeded, groq, 3, T0).state;
    expect(seedTargets(used, [groq, configured, paid], T0 + 5_000)).toBe(used);
    // A changed figure still reseeds.
    const changed = seedTargets(used, [{ ...groq, limits: { rpm: 5 } }], T0 + 5_000);
    expect(changed).not.toBe(used);
    expect(windowOf(changed, groq, 'rpm', T0 + 5_000)).toMatchObject({ limit: 5 });
  });

  it('a key that turns paid drops the seeded windows but keeps learned ones', () => {
    let state = take(EMPTY_LIMITER_STATE, groq, 1, T0).state;
    state = observeHeaders(state, groq, headers({ 'x-ratelimit-limit-tokens': '9000' }), T0);
    const paid = { ...groq, tier: 'paid' as const };
    state = ok(admit(state, paid, SMALL, T0 + 1)).state;
    const windows = limiterView(state, T0 + 1).pools[0]?.windows.map((w) => w.window);
    expect(windows).toEqual(['tpm']);
  });

  it('a request larger than a whole window never fits', () => {
    const refused = admit(EMPTY_LIMITER_STATE, groq, { inputTokens: 5000, outputTokens: 2000 }, T0);
    expect(refused).toMatchObject({ ok: false, reason: 'too-large' });
    expect(refused.ok ? 0 : refused.retryAt).toBeUndefined();
  });

  it('concurrency: the catalog limit holds until a release', () => {
    const gh = target(GITHUB, 'openai/gpt-4o-mini');
    const { state, tickets } = take(EMPTY_LIMITER_STATE, gh, 2, T0);
    expect(admit(state, gh, SMALL, T0)).toMatchObject({ ok: false, reason: 'concurrency' });
    const after = release(state, gh, tickets[0] as Ticket, OK_200, T0 + 5);
    expect(admit(after, gh, SMALL, T0 + 5).ok).toBe(true);
  });

  it('checkAdmit answers as admit does and changes nothing', () => {
    const { state } = take(EMPTY_LIMITER_STATE, groq, 30, T0);
    expect(checkAdmit(state, groq, SMALL, T0 + 1)).toMatchObject({ ok: false, reason: 'window' });
    expect(checkAdmit(state, groq, SMALL, T0 + 60_500)).toEqual({ ok: true });
    expect(checkAdmit(EMPTY_LIMITER_STATE, groq, SMALL, T0)).toEqual({ ok: true });
  });

  it('demandOf: prompt characters / 4 in, max_tokens out', () => {
    expect(demandOf(4001, 256)).toEqual({ inputTokens: 1001, outputTokens: 256 });
    expect(demandOf(0, undefined)).toEqual({ inputTokens: 0, outputTokens: 0 });
  });
});

describe('usage corrects the token estimate', () => {
  const groq = target(GROQ, 'llama-3.1-8b-instant');
  const big: Demand = { inputTokens: 2000, outputTokens: 1000 };
  const answered = (
    state: LimiterState,
    ticket: Ticket,
    usage: { tokensIn: number; tokensOut: number },
    now: number,
  ) => release(state, groq, ticket, { status: 200, usage }, now);

  it('actual usage below the estimate gives the difference back', () => {
    const first = take(EMPTY_LIMITER_STATE, groq, 2, T0, big);
    expect(admit(first.state, groq, big, T0 + 1).ok).toBe(false);
    let state = answered(
      first.state,
      first.tickets[0] as Ticket,
      { tokensIn: 500, tokensOut: 100 },
      T0 + 2,
    );
    // 600 + 3000 charged; another 3000 would make 6600 of 6000.
    expect(admit(state, groq, big, T0 + 3).ok).toBe(false);
    state = answered(state, first.tickets[1] as Ticket, { tokensIn: 500, tokensOut: 100 }, T0 + 4);
    expect(admit(state, groq, big, T0 + 5).ok).toBe(true);
  });

  it('usage above the estimate is charged as debt', () => {
    const first = take(EMPTY_LIMITER_STATE, groq, 1, T0, { inputTokens: 100, outputTokens: 0 });
    const state = answered(
      first.state,
      first.tickets[0] as Ticket,
      { tokensIn: 5000, tokensOut: 900 },
      T0 + 1,
    );
    expect(windowOf(state, groq, 'tpm', T0 + 1).remaining).toBe(100);
    expect(admit(state, groq, { inputTokens: 200, outputTokens: 0 }, T0 + 2).ok).toBe(false);
  });

  it('a 429 is refunded: the provider did not count it', () => {
    const { state, tickets } = take(EMPTY_LIMITER_STATE, groq, 30, T0);
    const after = release(state, groq, tickets[29] as Ticket, { status: 429 }, T0 + 1);
    expect(admit(after, groq, SMALL, T0 + 2).ok).toBe(true);
  });

  it('a 400 keeps the request counted but charges no tokens', () => {
    const { state, tickets } = take(EMPTY_LIMITER_STATE, groq, 1, T0, big);
    const after = release(state, groq, tickets[0] as Ticket, { status: 400 }, T0 + 1);
    expect(windowOf(after, groq, 'tpm', T0 + 1).remaining).toBe(6000);
    expect(windowOf(after, groq, 'rpm', T0 + 1).remaining).toBe(29);
  });
});

describe('headers correct the local count, per dialect', () => {
  it('openai: a paid key learns its limits from the six headers', () => {
    const t = target(OPENAI, 'gpt-4o-mini', 'paid1', 'paid');
    const state = reported(t, {
      'x-ratelimit-limit-requests': '500',
      'x-ratelimit-remaining-requests': '499',
      'x-ratelimit-reset-requests': '120ms',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-tokens': '199000',
      'x-ratelimit-reset-tokens': '300ms',
    });
    expect(windowOf(state, t, 'rpm', T0)).toMatchObject({
      limit: 500,
      remaining: 499,
      source: 'headers',
      resetAt: T0 + 120,
    });
    expect(windowOf(state, t, 'tpm', T0)).toMatchObject({
      limit: 200000,
      remaining: 199000,
      source: 'headers',
    });
  });

  it('openai: a reported figure holds over the local log until its reset', () => {
    const t: LimiterTarget = { ...target(OPENAI, 'gpt-4o-mini'), limits: { rpm: 30 } };
    const burst = take(EMPTY_LIMITER_STATE, t, 30, T0);
    let state = burst.state;
    for (const ticket of burst.tickets) state = release(state, t, ticket, OK_200, T0 + 100);
    expect(admit(state, t, SMALL, T0 + 100).ok).toBe(false);
    // The provider counts differently (a token bucket): it says 10 are left, full again in 5 s.
    state = observeHeaders(
      state,
      t,
      headers({
        'x-ratelimit-limit-requests': '30',
        'x-ratelimit-remaining-requests': '10',
        'x-ratelimit-reset-requests': '5s',
      }),
      T0 + 100,
    );
    state = take(state, t, 10, T0 + 200).state;
    expectRefusedUntil(state, t, T0 + 200, { retryAt: T0 + 5100 });
    // A later report without a reset keeps the provider's word that the window was full again.
    const later = observeHeaders(
      state,
      t,
      headers({ 'x-ratelimit-limit-requests': '30' }),
      T0 + 6000,
    );
    expect(windowOf(later, t, 'rpm', T0 + 6000).remaining).toBe(30);
    expect(take(later, t, 30, T0 + 6000).tickets).toHaveLength(30);
  });

  it('openai: in-flight requests are left out of the reported remaining', () => {
    const t: LimiterTarget = { ...target(OPENAI, 'gpt-4o-mini'), limits: { rpm: 30 } };
    const { state: taken } = take(EMPTY_LIMITER_STATE, t, 5, T0);
    const state = observeHeaders(
      taken,
      t,
      headers({ 'x-ratelimit-remaining-requests': '20', 'x-ratelimit-reset-requests': '30s' }),
      T0 + 10,
    );
    expect(windowOf(state, t, 'rpm', T0 + 10).remaining).toBe(15);
  });

  it('groq: the requests headers are the daily window, the tokens ones per minute', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    const two = take(EMPTY_LIMITER_STATE, t, 2, T0);
    let state = release(two.state, t, two.tickets[1] as Ticket, OK_200, T0);
    state = observeHeaders(
      state,
      t,
      headers({
        'x-ratelimit-limit-requests': '14400',
        'x-ratelimit-remaining-requests': '14000',
        'x-ratelimit-reset-requests': '2h0m0s',
        'x-ratelimit-limit-tokens': '6000',
        'x-ratelimit-remaining-tokens': '1000',
        'x-ratelimit-reset-tokens': '50s',
      }),
      T0 + 1,
    );
    // One request of the two admitted is still in flight: it is left out of "remaining".
    expect(windowOf(state, t, 'rpd', T0 + 1)).toMatchObject({
      remaining: 13999,
      resetAt: T0 + 1 + 7_200_000,
      source: 'headers',
    });
    expect(windowOf(state, t, 'tpm', T0 + 1)).toMatchObject({ remaining: 990, source: 'headers' });
    expect(admit(state, t, { inputTokens: 2000, outputTokens: 0 }, T0 + 2)).toMatchObject({
      ok: false,
      retryAt: T0 + 50_001,
    });
  });

  it('anthropic: RFC 3339 resets', () => {
    const t = target(ANTHROPIC, 'claude-haiku-4-5', 'ant', 'paid');
    const state = reported(t, {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2026-03-10T12:00:30Z',
    });
    expectRefusedUntil(state, t, T0 + 1, { reason: 'window', retryAt: T0 + 30_000 });
  });

  it('cerebras: float-second resets on a rolling day and a minute', () => {
    const t = target(CEREBRAS, 'llama3.1-8b');
    const state = reported(t, {
      'x-ratelimit-limit-requests-day': '14400',
      'x-ratelimit-remaining-requests-day': '100',
      'x-ratelimit-reset-requests-day': '33011.38',
      'x-ratelimit-limit-tokens-minute': '60000',
      'x-ratelimit-remaining-tokens-minute': '0',
      'x-ratelimit-reset-tokens-minute': '10.5',
    });
    expect(windowOf(state, t, 'rpd', T0)).toMatchObject({
      limit: 14400,
      remaining: 100,
      resetAt: T0 + 33_011_380,
      source: 'headers',
    });
    expect(admit(state, t, SMALL, T0)).toMatchObject({ ok: false, retryAt: T0 + 10_500 });
  });

  it('openrouter: a 429’s headers fill the account pool that every free model shares', () => {
    const a = target(OPENROUTER, 'meta-llama/llama-3.3-70b-instruct:free');
    const b = target(OPENROUTER, 'qwen/qwen3-coder:free');
    const state = reported(a, {
      'x-ratelimit-limit': '20',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(T0 + 40_000),
    });
    expect(poolIdOf(a)).toBe(poolIdOf(b));
    expect(admit(state, b, SMALL, T0 + 1)).toMatchObject({ ok: false, retryAt: T0 + 40_000 });
    // The paid model on the same key counts on its own.
    expect(admit(state, target(OPENROUTER, 'openai/gpt-4o-mini'), SMALL, T0 + 1).ok).toBe(true);
  });

  it('mistral: remaining without a reset refills at the window’s rate', () => {
    const t = target(MISTRAL, 'mistral-small-latest');
    const state = reported(t, {
      'x-ratelimit-limit-req-minute': '60',
      'x-ratelimit-remaining-req-minute': '0',
    });
    expect(admit(state, t, SMALL, T0)).toMatchObject({ ok: false, retryAt: T0 + 1000 });
  });

  it('together: a per-second window', () => {
    const t = target(TOGETHER, 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'tk', 'paid');
    const state = reported(t, {
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '0.5',
    });
    expect(admit(state, t, SMALL, T0 + 1)).toMatchObject({ ok: false, retryAt: T0 + 500 });
    expect(windowOf(state, t, 'rps', T0).limit).toBe(10);
  });

  it('headers in an unknown dialect or garbage change nothing', () => {
    const t = target(GEMINI, 'gemini-2.0-flash');
    const state = reported(t, { 'x-ratelimit-remaining': 'lots' });
    expect(state).toBe(EMPTY_LIMITER_STATE);
  });
});

describe('daily quotas reset at the catalog’s time, in its zone', () => {
  it('Gemini: midnight America/Los_Angeles (PDT: 07:00 UTC)', () => {
    const t = target(GEMINI, 'gemini-2.5-flash');
    let state = take(EMPTY_LIMITER_STATE, t, 10, T0).state;
    state = take(state, t, 10, T0 + 61_000).state;
    const midnight = Date.parse('2026-03-11T07:00:00Z');
    expect(admit(state, t, SMALL, T0 + 122_000)).toMatchObject({
      ok: false,
      reason: 'window',
      retryAt: midnight,
    });
    expect(windowOf(state, t, 'rpd', T0 + 122_000)).toMatchObject({
      remaining: 0,
      resetAt: midnight,
    });
    expect(admit(state, t, SMALL, midnight).ok).toBe(true);
  });

  it('Gemini: midnight America/Los_Angeles (PST: 08:00 UTC)', () => {
    const t = target(GEMINI, 'gemini-2.5-flash');
    const winter = Date.parse('2026-01-15T20:00:00Z');
    const state = take(EMPTY_LIMITER_STATE, t, 1, winter).state;
    expect(windowOf(state, t, 'rpd', winter).resetAt).toBe(Date.parse('2026-01-16T08:00:00Z'));
  });

  it('OpenRouter: 00:00 UTC, for the whole account', () => {
    const t = target(OPENROUTER, 'meta-llama/llama-3.3-70b-instruct:free');
    const state = take(EMPTY_LIMITER_STATE, t, 1, T0).state;
    expect(windowOf(state, t, 'rpd', T0).resetAt).toBe(Date.parse('2026-03-11T00:00:00Z'));
  });

  it('no stated reset (Groq): 00:00 UTC until a header says otherwise', () => {
    const t = target(GROQ, 'llama-3.3-70b-versatile');
    const state = take(EMPTY_LIMITER_STATE, t, 1, T0).state;
    expect(windowOf(state, t, 'rpd', T0).resetAt).toBe(Date.parse('2026-03-11T00:00:00Z'));
  });

  it('rolling (Cerebras): the day refills continuously', () => {
    const t: LimiterTarget = { ...target(CEREBRAS, 'llama3.1-8b'), limits: { rpd: 2, rpm: 100 } };
    const state = take(EMPTY_LIMITER_STATE, t, 2, T0).state;
    const refused = admit(state, t, SMALL, T0 + 1);
    expect(refused.ok).toBe(false);
    // One request comes back after a day / 2 requests = 12 h (give or take float rounding).
    expect(refused.ok ? 0 : refused.retryAt).toBeCloseTo(T0 + 43_200_000, -1);
  });
});

describe('failures: cooling, parking, invalid keys', () => {
  it('a 429 with retry-after cools the target for exactly that long', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    const { state, tickets } = take(EMPTY_LIMITER_STATE, t, 1, T0);
    const failure = classifyFailure({
      status: 429,
      headers: headers({ 'retry-after': '17' }),
      body: {
        error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
      },
      dialect: 'groq',
      providerId: 'groq',
      now: T0 + 100,
    });
    const after = release(state, t, tickets[0] as Ticket, { status: 429, failure }, T0 + 100);
    expect(targetStatus(after, t, T0 + 200)).toMatchObject({
      state: 'cooling',
      until: T0 + 17_100,
    });
    expectRefusedUntil(after, t, T0 + 200, { reason: 'cooling', retryAt: T0 + 17_100 });
  });

  it('a Gemini PerDay 429 parks that model until midnight Pacific; other models go on', () => {
    const flash = target(GEMINI, 'gemini-2.0-flash');
    const failure = classifyFailure({
      status: 429,
      body: GEMINI_PER_DAY,
      dialect: 'none',
      providerId: 'gemini',
      now: T0,
      resetZone: { time: '00:00', timeZone: 'America/Los_Angeles' },
    });
    const state = applyFailure(EMPTY_LIMITER_STATE, flash, failure, T0);
    const midnight = Date.parse('2026-03-11T07:00:00Z');
    expect(targetStatus(state, flash, T0 + 1)).toMatchObject({ state: 'parked', until: midnight });
    expect(admit(state, flash, SMALL, midnight - 1)).toMatchObject({ ok: false, reason: 'parked' });
    expect(admit(state, flash, SMALL, midnight).ok).toBe(true);
    expect(admit(state, target(GEMINI, 'gemini-2.5-flash'), SMALL, T0 + 1).ok).toBe(true);
  });

  it('OpenRouter’s free daily cap parks every free model of the account until 00:00 UTC', () => {
    const a = target(OPENROUTER, 'meta-llama/llama-3.3-70b-instruct:free');
    const failure = classifyFailure({
      status: 429,
      body: {
        error: {
          message: 'Rate limit exceeded: free-models-per-day. ',
          code: 429,
          metadata: { limit_source: 'openrouter_free_tier_daily' },
        },
      },
      dialect: 'openrouter',
      providerId: 'openrouter',
      now: T0,
    });
    const state = applyFailure(EMPTY_LIMITER_STATE, a, failure, T0);
    const utcMidnight = Date.parse('2026-03-11T00:00:00Z');
    expect(targetStatus(state, target(OPENROUTER, 'qwen/qwen3-coder:free'), T0)).toMatchObject({
      state: 'parked',
      until: utcMidnight,
    });
    expect(targetStatus(state, target(OPENROUTER, 'openai/gpt-4o-mini'), T0).state).toBe('ready');
  });

  it('a later deadline is not shortened by an earlier one', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    let state = applyFailure(
      EMPTY_LIMITER_STATE,
      t,
      { class: 'transient', cooldownUntil: T0 + 20_000, reason: 'a', retryElsewhere: true },
      T0,
    );
    state = applyFailure(
      state,
      t,
      { class: 'transient', cooldownUntil: T0 + 1000, reason: 'b', retryElsewhere: true },
      T0,
    );
    expect(targetStatus(state, t, T0)).toMatchObject({ until: T0 + 20_000, reason: 'a' });
  });

  it('401: the key is invalid for every model until it works again or is cleared', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    const other = target(GROQ, 'llama-3.3-70b-versatile');
    const failure = classifyFailure({
      status: 401,
      body: { error: { message: 'Invalid API Key' } },
      dialect: 'groq',
      providerId: 'groq',
      now: T0,
    });
    expect(failure.class).toBe('key-invalid');
    const state = applyFailure(EMPTY_LIMITER_STATE, t, failure, T0);
    expect(admit(state, other, SMALL, T0)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(limiterView(seedTargets(state, [t], T0), T0).pools[0]?.status.state).toBe('invalid');
    expect(targetStatus(clearKey(state, 'groq', 'k1'), t, T0).state).toBe('ready');
    // Another key of the same provider is unaffected.
    expect(admit(state, target(GROQ, 'llama-3.1-8b-instant', 'k2'), SMALL, T0).ok).toBe(true);
  });

  it('a success clears an invalid mark (a request admitted before it was set)', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    const { state, tickets } = take(EMPTY_LIMITER_STATE, t, 1, T0);
    const invalid = applyFailure(
      state,
      t,
      { class: 'key-invalid', reason: 'x', retryElsewhere: true },
      T0,
    );
    const after = release(invalid, t, tickets[0] as Ticket, OK_200, T0 + 1);
    expect(targetStatus(after, t, T0 + 1).state).toBe('ready');
  });

  it('clearKey lifts cooldowns and parks of the key’s pools, keeping counts', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    let state = take(EMPTY_LIMITER_STATE, t, 3, T0).state;
    state = applyFailure(
      state,
      t,
      { class: 'exhausted', parkUntil: T0 + 3_600_000, reason: 'spent', retryElsewhere: true },
      T0,
    );
    state = clearKey(state, 'groq', 'k1');
    expect(targetStatus(state, t, T0).state).toBe('ready');
    expect(windowOf(state, t, 'rpm', T0).remaining).toBe(27);
  });

  it('caller and too-big failures leave the limiter alone', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    expect(
      applyFailure(
        EMPTY_LIMITER_STATE,
        t,
        { class: 'caller', reason: 'x', retryElsewhere: false },
        T0,
      ),
    ).toBe(EMPTY_LIMITER_STATE);
    expect(
      applyFailure(
        EMPTY_LIMITER_STATE,
        t,
        { class: 'too-big', reason: 'x', retryElsewhere: true },
        T0,
      ),
    ).toBe(EMPTY_LIMITER_STATE);
  });
});

describe('the view', () => {
  it('shows where each figure comes from, and the status', () => {
    const t = target(GROQ, 'llama-3.1-8b-instant');
    let state = seedTargets(EMPTY_LIMITER_STATE, [t], T0);
    expect(windowOf(state, t, 'rpm', T0)).toEqual({
      window: 'rpm',
      unit: 'requests',
      limit: 30,
      remaining: 30,
      source: 'catalog',
    });
    state = take(state, t, 2, T0).state;
    expect(windowOf(state, t, 'rpm', T0)).toMatchObject({
      remaining: 28,
      source: 'local',
      resetAt: T0 + 60_500,
    });
    state = observeHeaders(
      state,
      t,
      headers({ 'x-ratelimit-limit-requests': '14400', 'x-ratelimit-remaining-requests': '14390' }),
      T0,
    );
    expect(windowOf(state, t, 'rpd', T0)).toMatchObject({ remaining: 14388, source: 'headers' });
    state = applyFailure(
      state,
      t,
      {
        class: 'transient',
        cooldownUntil: T0 + 5000,
        reason: 'Rate-limited by groq',
        retryElsewhere: true,
      },
      T0,
    );
    const pool = limiterView(state, T0 + 1).pools[0];
    expect(pool).toMatchObject({
      provider: 'groq',
      keyId: 'k1',
      model: 'llama-3.1-8b-instant',
      tier: 'free',
      inFlight: 2,
    });
    expect(pool?.status).toEqual({
      state: 'cooling',
      until: T0 + 5000,
      reason: 'Rate-limited by groq',
    });
    expect(limiterView(state, T0 + 5000).pools[0]?.status).toEqual({ state: 'ready' });
  });

  it('an account scope whose models list different limits keeps a pool per model', () => {
    const low = target(GITHUB, 'openai/gpt-4o-mini');
    const high = target(GITHUB, 'openai/gpt-4o');
    expect(poolIdOf(low)).not.toBe(poolIdOf(high));
    const view = limiterView(seedTargets(EMPTY_LIMITER_STATE, [low, high], T0), T0);
    expect(
      view.pools.map((p) => [p.model, p.windows.find((w) => w.window === 'rpd')?.limit]),
    ).toEqual([
      ['openai/gpt-4o', 50],
      ['openai/gpt-4o-mini', 150],
    ]);
  });

  it('an account pool shows no model', () => {
    const t = target(OPENROUTER, 'qwen/qwen3-coder:free');
    const view = limiterView(seedTargets(EMPTY_LIMITER_STATE, [t], T0), T0);
    expect(view.pools[0]).toMatchObject({ provider: 'openrouter', model: null });
  });
});

describe('the local log at a busy key', () => {
  it('stays a bounded number of entries however many requests a window sees', () => {
    // A paid tier's limits (10,000 RPM, 30M TPM) at 150 requests a second for two minutes: every
    // take, correction and header reading copies the log, so its length is the cost per request.
    const t: LimiterTarget = {
      ...target(GROQ, 'llama-3.1-8b-instant'),
      limits: { rpm: 10_000, tpm: 30_000_000, rpd: 10_000_000, tpd: 1e12 },
    };
    let state = EMPTY_LIMITER_STATE;
    let now = T0;
    let longest = 0;
    for (let i = 0; i < 18_000; i++) {
      now += 6 + (i % 3);
      const r = ok(admit(state, t, SMALL, now));
      state = release(
        r.state,
        t,
        r.ticket,
        { status: 200, usage: { tokensIn: 12, tokensOut: 3 } },
        now + 4,
      );
      for (const w of state.pools[poolIdOf(t)]?.windows ?? [])
        if (w.kind === 'bucket') longest = Math.max(longest, w.log?.length ?? 0);
    }
    expect(longest).toBeLessThanOrEqual(110);
    // Still counted in full: the minute holds every request of the last minute.
    const rpm = limiterView(state, now).pools[0]?.windows.find((w) => w.window === 'rpm');
    expect(rpm?.remaining).toBeLessThanOrEqual(10_000 - Math.floor(60_000 / 8));
  });
});

describe('property: local counting never admits more than a window’s limit', () => {
  it('any span of one window (plus margin) holds at most the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: 1, maxLength: 200 }),
        (limit, gaps) => {
          const t: LimiterTarget = {
            ...target(GROQ, 'llama-3.1-8b-instant'),
            limits: { rpm: limit, tpm: 1e9 },
          };
          let state = EMPTY_LIMITER_STATE;
          let now = T0;
          const admitted: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const r = admit(state, t, SMALL, now);
            state = r.state;
            if (r.ok) admitted.push(now);
          }
          for (let i = 0; i < admitted.length; i++) {
            const from = admitted[i] as number;
            const inWindow = admitted.filter((at) => at >= from && at < from + 60_000).length;
            if (inWindow > limit) return false;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tokens: with usage corrections, never more than the limit in any minute', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 5000 }),
            estimate: fc.integer({ min: 1, max: 3000 }),
            actual: fc.integer({ min: 0, max: 3000 }),
          }),
          { minLength: 1, maxLength: 150 },
        ),
        (steps) => {
          const t: LimiterTarget = {
            ...target(GROQ, 'llama-3.1-8b-instant'),
            limits: { rpm: 1e6, tpm: 6000 },
          };
          let state = EMPTY_LIMITER_STATE;
          let now = T0;
          const charged: Array<[number, number]> = [];
          for (const step of steps) {
            now += step.gap;
            const r = admit(state, t, { inputTokens: step.estimate, outputTokens: 0 }, now);
            state = r.state;
            if (!r.ok) continue;
            // Usage never exceeds the estimate here, so the estimate bounds what the provider sees.
            const actual = Math.min(step.actual, step.estimate);
            state = release(
              state,
              t,
              r.ticket,
              { status: 200, usage: { tokensIn: actual, tokensOut: 0 } },
              now,
            );
            charged.push([now, actual]);
          }
          return charged.every(([from]) => {
            let sum = 0;
            for (const [at, n] of charged) if (at >= from && at < from + 60_000) sum += n;
            return sum <= 6000;
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('what a failure does to the target', () => {
  const openai = target(OPENAI, 'gpt-4o-mini', 'oa', 'paid');
  const serverError = {
    class: 'transient' as const,
    reason: 'Server error: openai answered HTTP 500; trying the next target.',
    retryElsewhere: true,
    tripsBreaker: true,
  };

  it('one 500 does not take the target out: the next request is admitted at once', () => {
    const first = ok(admit(EMPTY_LIMITER_STATE, openai, SMALL, T0));
    const after = release(
      first.state,
      openai,
      first.ticket,
      { status: 500, failure: serverError },
      T0 + 5,
    );
    expect(targetStatus(after, openai, T0 + 6).state).toBe('ready');
    expect(admit(after, openai, SMALL, T0 + 6).ok).toBe(true);
  });

  it('repeated 500s open the breaker; after its open time one probe goes through and closes it', () => {
    let state: LimiterState = EMPTY_LIMITER_STATE;
    for (let i = 0; i < 5; i++) {
      const a = ok(admit(state, openai, SMALL, T0 + i));
      state = release(a.state, openai, a.ticket, { status: 500, failure: serverError }, T0 + i);
    }
    const refused = admit(state, openai, SMALL, T0 + 10);
    expect(refused).toMatchObject({ ok: false, reason: 'open', retryAt: T0 + 4 + 1000 });
    expect(targetStatus(state, openai, T0 + 10).state).toBe('open');
    const probe = ok(admit(state, openai, SMALL, T0 + 1004));
    expect(probe.ticket.probe).toBe(true);
    expect(admit(probe.state, openai, SMALL, T0 + 1005)).toMatchObject({
      ok: false,
      reason: 'half-open',
    });
    const closed = release(probe.state, openai, probe.ticket, OK_200, T0 + 1100);
    expect(targetStatus(closed, openai, T0 + 1100).state).toBe('ready');
    expect(closed.pools[poolIdOf(openai)]?.breaker).toBeUndefined();
  });

  it('a cancel cools nothing, and the admission stays spent as charged', () => {
    const groq = target(GROQ, 'llama-3.1-8b-instant');
    const big: Demand = { inputTokens: 2000, outputTokens: 1000 };
    const a = ok(admit(EMPTY_LIMITER_STATE, groq, big, T0));
    const after = release(
      a.state,
      groq,
      a.ticket,
      { status: 0, failure: cancelledByClient('Groq') },
      T0 + 1,
    );
    expect(targetStatus(after, groq, T0 + 2).state).toBe('ready');
    expect(windowOf(after, groq, 'rpm', T0 + 2).remaining).toBe(29);
    expect(windowOf(after, groq, 'tpm', T0 + 2).remaining).toBe(3000);
  });
});
