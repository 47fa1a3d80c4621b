import { describe, expect, it } from 'vitest';
import { admit, targetStatus } from '../../../app/limiter/limiter.ts';
import { applyFailure } from '../../../app/limiter/outcomes.ts';
import { restore, snapshot } from '../../../app/limiter/snapshot.ts';
import { EMPTY_LIMITER_STATE, poolIdOf, type LimiterState } from '../../../app/limiter/state.ts';
import { limiterView } from '../../../app/limiter/view.ts';
import { GEMINI, GROQ, T0, target } from './fixtures.ts';

const flash = target(GEMINI, 'gemini-2.5-flash');
const groq = target(GROQ, 'llama-3.1-8b-instant');

function spend(state: LimiterState, count: number, now: number): LimiterState {
  for (let i = 0; i < count; i++) {
    const r = admit(state, flash, { inputTokens: 5, outputTokens: 0 }, now + i * 7000);
    if (!r.ok) throw new Error(r.message);
    state = r.state;
  }
  return state;
}

/** Through JSON, as the store keeps it. */
function roundTrip(state: LimiterState, now: number): LimiterState {
  return restore(JSON.parse(JSON.stringify(snapshot(state, now))), now);
}

describe('snapshot and restore', () => {
  it('a daily quota spent before a restart stays spent after it', () => {
    const state = spend(EMPTY_LIMITER_STATE, 20, T0);
    const later = T0 + 200_000;
    const restored = roundTrip(state, later);
    expect(admit(restored, flash, { inputTokens: 5, outputTokens: 0 }, later)).toMatchObject({
      ok: false,
      reason: 'window',
      retryAt: Date.parse('2026-03-11T07:00:00Z'),
    });
    const before = limiterView(state, later).pools[0];
    const after = limiterView(restored, later).pools[0];
    expect(after?.windows).toEqual(before?.windows);
    expect(before?.inFlight).toBe(20);
    expect(after?.inFlight).toBe(0);
  });

  it('requests in flight, ended holds and invalid marks do not survive; live parks do', () => {
    let state = spend(EMPTY_LIMITER_STATE, 2, T0);
    state = applyFailure(
      state,
      flash,
      { class: 'exhausted', parkUntil: T0 + 3_600_000, reason: 'spent', retryElsewhere: true },
      T0,
    );
    state = applyFailure(
      state,
      groq,
      { class: 'transient', cooldownUntil: T0 + 1000, reason: 'busy', retryElsewhere: true },
      T0,
    );
    state = applyFailure(
      state,
      groq,
      { class: 'key-invalid', reason: 'rejected', retryElsewhere: true },
      T0,
    );
    const saved = snapshot(state, T0 + 5000);
    expect(saved.version).toBe(1);
    expect(saved.pools[poolIdOf(flash)]?.inFlight).toBe(0);
    expect(saved.pools[poolIdOf(groq)]?.cooling).toBeUndefined();
    const restored = restore(saved, T0 + 5000);
    expect(targetStatus(restored, flash, T0 + 5000)).toMatchObject({
      state: 'parked',
      until: T0 + 3_600_000,
    });
    expect(targetStatus(restored, groq, T0 + 5000).state).toBe('ready');
    expect(restored.keys).toEqual({});
  });

  it('garbage restores to the empty state, a damaged pool is dropped alone', () => {
    expect(restore(undefined, T0)).toEqual({ pools: {}, keys: {} });
    expect(restore('nonsense', T0)).toEqual({ pools: {}, keys: {} });
    expect(restore({ version: 2, pools: {} }, T0)).toEqual({ pools: {}, keys: {} });
    const good = snapshot(spend(EMPTY_LIMITER_STATE, 1, T0), T0);
    const damaged = JSON.parse(JSON.stringify(good)) as {
      pools: Record<string, { windows: Array<{ counter?: { schedule: { timeZone: string } } }> }>;
    };
    const pool = damaged.pools[poolIdOf(flash)]!;
    damaged.pools['groq|k1|x'] = JSON.parse(JSON.stringify(pool));
    const counter = damaged.pools['groq|k1|x']!.windows.find(
      (w) => w.counter !== undefined,
    )!.counter!;
    counter.schedule.timeZone = 'Mars/Olympus_Mons';
    const restored = restore(damaged, T0);
    expect(Object.keys(restored.pools)).toEqual([poolIdOf(flash)]);
  });

  it('holds only key ids and figures: plain JSON', () => {
    const saved = snapshot(spend(EMPTY_LIMITER_STATE, 3, T0), T0);
    const text = JSON.stringify(saved);
    expect(JSON.parse(text)).toEqual(saved);
    expect(text).toContain('"keyId":"k1"');
  });
});
