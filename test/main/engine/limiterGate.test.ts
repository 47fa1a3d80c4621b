import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../app/limiter/journal.ts';
import type { LimiterSnapshot } from '../../../app/limiter/snapshot.ts';
import { poolIdOf } from '../../../app/limiter/state.ts';
import type { LimiterStore } from '../../../app/limiter/store.ts';
import type { LimiterView } from '../../../app/limiter/view.ts';
import { classifyFailure } from '../../../app/ratelimit/classify.ts';
import type { Admission } from '../../../main/engine/capacityGate.ts';
import { createLimiterGate, type LimiterGateOptions } from '../../../main/engine/limiterGate.ts';
import { limiterTargetOf } from '../../../main/engine/seedTargets.ts';
import type { Candidate } from '../../../main/engine/targets.ts';
import { GITHUB, GROQ, headers, OPENROUTER, T0 } from '../../app/limiter/fixtures.ts';
import { attemptInfo, candidate, gateRequest, manualTime, settle } from './gateFixtures.ts';

function setup(options: Partial<LimiterGateOptions> = {}) {
  const time = manualTime(T0);
  const gate = createLimiterGate({
    clock: time.clock,
    timers: time.timers,
    ...options,
  });
  return { time, gate };
}

const groq = candidate(GROQ, 'llama-3.1-8b-instant');
const github = candidate(GITHUB, 'openai/gpt-4o-mini');
const never = new AbortController().signal;

async function fill(
  gate: ReturnType<typeof setup>['gate'],
  c: Candidate,
  count: number,
): Promise<Array<Admission & { ok: true }>> {
  const out: Array<Admission & { ok: true }> = [];
  for (let i = 0; i < count; i++) {
    const a = await gate.acquire(c, gateRequest(), 0, never);
    if (!a.ok) throw new Error(a.reason);
    out.push(a);
  }
  return out;
}

/** Tracks when a pending acquire settles. */
function watch(promise: Promise<Admission>) {
  const state: { result?: Admission } = {};
  void promise.then((r) => (state.result = r));
  return state;
}

describe('limiter gate', () => {
  it('takes a key’s tier from the candidate, its one owner', async () => {
    const { gate } = setup();
    await fill(gate, { ...groq, tier: 'paid' }, 1);
    const pool = gate.view().pools.find((p) => p.provider === 'groq' && p.keyId === 'k1');
    expect(pool?.tier).toBe('paid');
  });

  it('admits at once while there is room, and learns from the release', async () => {
    const { gate } = setup();
    const [a] = await fill(gate, groq, 1);
    a?.release(
      attemptInfo({
        upstreamHeaders: {
          'x-ratelimit-limit-requests': '14400',
          'x-ratelimit-remaining-requests': '100',
        },
      }),
    );
    const rpd = gate.view().pools[0]?.windows.find((w) => w.window === 'rpd');
    expect(rpd).toMatchObject({ remaining: 100, source: 'headers' });
  });

  it('spill (waitMs 0): refuses at once, saying when room returns', async () => {
    const { gate } = setup();
    await fill(gate, groq, 30);
    const refused = await gate.acquire(groq, gateRequest(), 0, never);
    expect(refused).toMatchObject({ ok: false, retryAt: T0 + 60_500 });
    expect(refused.ok ? '' : refused.reason).toMatch(/no requests per minute left/);
  });

  /** Groq's 30 a minute spent at T0; 59 s on, a request that may wait `maxWaitMs` for room. */
  async function waitingForRoom(maxWaitMs: number) {
    const { gate, time } = setup();
    await fill(gate, groq, 30);
    await time.advance(59_000);
    return { time, waiting: watch(gate.acquire(groq, gateRequest(), maxWaitMs, never)) };
  }

  it('wait: queues and admits when the window refills', async () => {
    const { time, waiting } = await waitingForRoom(2000);
    await time.advance(1499);
    expect(waiting.result).toBeUndefined();
    await time.advance(1);
    expect(waiting.result?.ok).toBe(true);
    expect(time.clock()).toBe(T0 + 60_500);
  });

  it('wait: room that returns exactly at the deadline is taken', async () => {
    const { time, waiting } = await waitingForRoom(1500);
    await time.advance(1500);
    expect(waiting.result?.ok).toBe(true);
  });

  it('wait: refuses at once when room cannot return within the wait', async () => {
    const { gate, time } = setup();
    await fill(gate, groq, 30);
    const refused = await gate.acquire(groq, gateRequest(), 1000, never);
    expect(refused).toMatchObject({ ok: false, retryAt: T0 + 60_500 });
    expect(time.pendingTimers()).toBe(0);
  });

  it('wait: wakes on a release, first in first out', async () => {
    const { gate } = setup();
    const held = await fill(gate, github, 2);
    const order: string[] = [];
    const a = gate.acquire(github, gateRequest(), 5000, never).then((r) => (order.push('a'), r));
    const b = gate.acquire(github, gateRequest(), 5000, never).then((r) => (order.push('b'), r));
    await settle();
    expect(order).toEqual([]);
    // Room now, but two wait already: a spilling request does not jump the queue.
    expect(await gate.acquire(github, gateRequest(), 0, never)).toMatchObject({ ok: false });
    held[0]?.release(attemptInfo());
    await settle();
    expect(order).toEqual(['a']);
    held[1]?.release(attemptInfo());
    expect((await a).ok && (await b).ok).toBe(true);
    expect(order).toEqual(['a', 'b']);
  });

  it('wait: refuses when the wait runs out', async () => {
    const { gate, time } = setup();
    await fill(gate, github, 2);
    const waiting = watch(gate.acquire(github, gateRequest(), 3000, never));
    await time.advance(2999);
    expect(waiting.result).toBeUndefined();
    await time.advance(1);
    expect(waiting.result).toMatchObject({ ok: false });
    expect(waiting.result?.ok ? '' : waiting.result?.reason).toMatch(
      /No capacity came back within the route's wait/,
    );
    expect(time.pendingTimers()).toBe(0);
  });

  it('the queue is bounded: the next request is refused at once', async () => {
    const { gate } = setup({ maxWaitersPerPool: 2 });
    await fill(gate, github, 2);
    void gate.acquire(github, gateRequest(), 5000, never);
    void gate.acquire(github, gateRequest(), 5000, never);
    const third = await gate.acquire(github, gateRequest(), 5000, never);
    expect(third.ok ? '' : third.reason).toMatch(/has 2 requests waiting already/);
  });

  it('a client that hangs up leaves the queue at once', async () => {
    const { gate } = setup();
    const held = await fill(gate, github, 2);
    const controller = new AbortController();
    const gone = watch(gate.acquire(github, gateRequest(), 5000, controller.signal));
    const next = watch(gate.acquire(github, gateRequest(), 5000, never));
    controller.abort();
    await settle();
    expect(gone.result).toMatchObject({ ok: false, reason: 'The client closed the request.' });
    held[0]?.release(attemptInfo());
    await settle();
    expect(next.result?.ok).toBe(true);
    const aborted = new AbortController();
    aborted.abort();
    expect(await gate.acquire(groq, gateRequest(), 5000, aborted.signal)).toMatchObject({
      ok: false,
    });
  });

  it('a 429 released cools the target: spill refuses, a long enough wait admits after it', async () => {
    const { gate, time } = setup();
    const [a] = await fill(gate, groq, 1);
    const now = time.clock();
    const failure = classifyFailure({
      status: 429,
      headers: headers({ 'retry-after': '3' }),
      dialect: 'groq',
      providerId: 'groq',
      now,
    });
    a?.release(
      attemptInfo({
        status: 429,
        outcome: 'failed',
        failure,
        upstreamHeaders: { 'retry-after': '3' },
      }),
    );
    expect(gate.view().pools[0]?.status).toMatchObject({ state: 'cooling', until: T0 + 3000 });
    expect(await gate.acquire(groq, gateRequest(), 0, never)).toMatchObject({
      ok: false,
      retryAt: T0 + 3000,
    });
    const waiting = watch(gate.acquire(groq, gateRequest(), 5000, never));
    await time.advance(3000);
    expect(waiting.result?.ok).toBe(true);
  });

  it('an invalid key refuses the waiters of its other pools at once', async () => {
    const { gate } = setup();
    const [first] = await fill(gate, github, 2);
    const waiting = watch(gate.acquire(github, gateRequest(), 60_000, never));
    const [other] = await fill(gate, groq, 1);
    // A different provider's key: nothing to do with the waiter.
    other?.release(
      attemptInfo({
        status: 401,
        failure: { class: 'key-invalid', reason: 'rejected', retryElsewhere: true },
      }),
    );
    await settle();
    expect(waiting.result).toBeUndefined();
    first?.release(
      attemptInfo({
        status: 401,
        failure: {
          class: 'key-invalid',
          reason: 'Key rejected by github-models (HTTP 401).',
          retryElsewhere: true,
        },
      }),
    );
    await settle();
    expect(waiting.result).toMatchObject({ ok: false });
    expect(waiting.result?.ok ? '' : waiting.result?.reason).toMatch(/key was rejected/);
  });

  it('clearKey brings a parked key back and wakes its waiters', async () => {
    const { gate } = setup();
    const [a] = await fill(gate, groq, 1);
    a?.release(
      attemptInfo({
        status: 429,
        failure: {
          class: 'transient',
          cooldownUntil: T0 + 10_000,
          reason: 'x',
          retryElsewhere: true,
        },
      }),
    );
    const waiting = watch(gate.acquire(groq, gateRequest(), 20_000, never));
    await settle();
    gate.clearKey('groq', 'k1');
    await settle();
    expect(waiting.result?.ok).toBe(true);
  });

  it('usage from the release corrects the token estimate', async () => {
    const { gate } = setup();
    const a = await gate.acquire(groq, gateRequest(20_000), 0, never);
    if (!a.ok) throw new Error(a.reason);
    expect(gate.view().pools[0]?.windows.find((w) => w.window === 'tpm')?.remaining).toBe(1000);
    a.release(attemptInfo({ usage: { tokensIn: 300, tokensOut: 200 } }));
    expect(gate.view().pools[0]?.windows.find((w) => w.window === 'tpm')?.remaining).toBe(5500);
  });

  it('persists: restores on start, saves at most once a second and on stop', async () => {
    const saved: LimiterSnapshot[] = [];
    const store = { load: () => saved.at(-1), save: (s: LimiterSnapshot) => void saved.push(s) };
    const { gate, time } = setup({ store });
    await fill(gate, groq, 5);
    await time.advance(999);
    expect(saved).toHaveLength(0);
    await time.advance(1);
    expect(saved).toHaveLength(1);
    await fill(gate, groq, 5);
    gate.stop();
    expect(saved).toHaveLength(2);
    // A new gate starts from the last snapshot: the ten requests are still counted.
    const again = setup({ store }).gate;
    expect(again.view().pools[0]?.windows.find((w) => w.window === 'rpm')?.remaining).toBe(20);
    expect(again.view().pools[0]?.inFlight).toBe(0);
  });

  it('seeding alone tells the dashboard and saves nothing: a restore seeds the same pools again', async () => {
    const saved: LimiterSnapshot[] = [];
    const views: LimiterView[] = [];
    const store = { load: () => saved.at(-1), save: (s: LimiterSnapshot) => void saved.push(s) };
    const { gate, time } = setup({ store, onChange: (v) => views.push(v) });
    gate.seed([limiterTargetOf(groq)]);
    await time.advance(1000);
    expect(views.at(-1)?.pools.map((p) => p.provider)).toEqual(['groq']);
    expect(saved).toHaveLength(0);
    // The first take saves the pool, seeded and counted.
    await fill(gate, groq, 1);
    await time.advance(1000);
    expect(saved).toHaveLength(1);
    const again = setup({ store }).gate;
    expect(again.view().pools[0]?.windows.find((w) => w.window === 'rpm')?.remaining).toBe(29);
  });

  it('a store that fails is reported, and the gate carries on', async () => {
    const errors: unknown[] = [];
    const store = {
      load: () => {
        throw new Error('disk gone');
      },
      save: () => {
        throw new Error('disk full');
      },
    };
    const { gate, time } = setup({ store, onError: (e) => errors.push(e) });
    await fill(gate, groq, 1);
    await time.advance(1000);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk gone', 'disk full']);
    expect((await gate.acquire(groq, gateRequest(), 0, never)).ok).toBe(true);
  });

  it('onChange is throttled and carries the view', async () => {
    const views: LimiterView[] = [];
    const { gate, time } = setup({ onChange: (v) => views.push(v), notifyEveryMs: 250 });
    await fill(gate, groq, 3);
    expect(views).toHaveLength(0);
    await time.advance(250);
    expect(views).toHaveLength(1);
    expect(views[0]?.pools[0]?.windows.find((w) => w.window === 'rpm')?.remaining).toBe(27);
  });

  it('stop refuses every waiter and the gate refuses from then on', async () => {
    const { gate, time } = setup();
    await fill(gate, github, 2);
    const waiting = watch(gate.acquire(github, gateRequest(), 60_000, never));
    gate.stop();
    await settle();
    expect(waiting.result).toMatchObject({ ok: false, reason: 'The engine is stopping.' });
    expect(await gate.acquire(groq, gateRequest(), 0, never)).toMatchObject({ ok: false });
    expect(time.pendingTimers()).toBe(0);
  });
});

describe('waiting through a circuit breaker', () => {
  const serverError = classifyFailure({
    status: 500,
    dialect: 'groq',
    providerId: 'groq',
    now: T0,
  });

  it('a waiting route is admitted as the probe once the circuit half-opens, the next after the probe answers', async () => {
    const { time, gate } = setup();
    for (const a of await fill(gate, groq, 5))
      a.release(attemptInfo({ status: 500, failure: serverError }));
    const probe = watch(gate.acquire(groq, gateRequest(), 5_000, never));
    const next = watch(gate.acquire(groq, gateRequest(), 5_000, never));
    await settle();
    expect(probe.result).toBeUndefined();
    await time.advance(1_000);
    expect(probe.result).toMatchObject({ ok: true });
    expect(next.result).toBeUndefined();
    (probe.result as Admission & { ok: true }).release(attemptInfo());
    await settle();
    expect(next.result).toMatchObject({ ok: true });
  });

  it('a route that spills is refused at once while the circuit is open', async () => {
    const { gate } = setup();
    for (const a of await fill(gate, groq, 5))
      a.release(attemptInfo({ status: 500, failure: serverError }));
    const refused = await gate.acquire(groq, gateRequest(), 0, never);
    expect(refused).toMatchObject({ ok: false });
    expect(refused.ok === false && refused.reason).toMatch(/out of rotation/);
  });
});

describe('the quota journal', () => {
  /** A store that keeps what the gate journals and counts the commits it waits for. */
  function journalStore() {
    const entries: JournalEntry[] = [];
    let commits = 0;
    const store: LimiterStore = {
      load: () => undefined,
      save: () => undefined,
      append: (entry) => entries.push(entry),
      committed: () => {
        commits += 1;
        return Promise.resolve();
      },
    };
    return { store, entries, commits: () => commits };
  }

  it('journals what a request takes from its windows and what it cost', async () => {
    const journal = journalStore();
    const { gate } = setup({ store: journal.store });
    const [admission] = await fill(gate, groq, 1);
    // The provider counted more tokens than the estimate: the settlement corrects the charge.
    admission!.release(attemptInfo({ usage: { tokensIn: 50, tokensOut: 20 } }));
    expect(journal.entries.map((entry) => entry.kind)).toEqual(['take', 'settle']);
    expect(journal.commits()).toBe(1);
  });

  it('writes no settlement for a request that cost what it was charged', async () => {
    const journal = journalStore();
    const { gate } = setup({ store: journal.store });
    const [admission] = await fill(gate, groq, 1);
    // No usage reported: the estimate stands, and a replay would correct nothing.
    admission!.release(attemptInfo());
    expect(journal.entries.map((entry) => entry.kind)).toEqual(['take']);
  });

  it('writes and waits for nothing when the pool has no windows: there is no count to keep', async () => {
    const journal = journalStore();
    const { gate } = setup({ store: journal.store });
    // A paid key on a model with no published limits, whose provider sent no limit headers yet.
    const unlimited: Candidate = { ...candidate(OPENROUTER, 'openai/gpt-4o-mini'), tier: 'paid' };
    const [admission] = await fill(gate, unlimited, 1);
    expect(gate.state().pools[poolIdOf(limiterTargetOf(unlimited))]?.windows).toEqual([]);
    admission!.release(attemptInfo({ provider: 'openrouter', model: 'openai/gpt-4o-mini' }));
    expect(journal.entries).toEqual([]);
    expect(journal.commits()).toBe(0);
  });
});
