// The limiter gate's seam to team mode (main/engine/sharedPools.ts), with a team that answers
// from a list of answers: what the gate does with the team's yes and no. Redis itself is tested
// for real in test/integration/teamMode.test.ts.
import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../../app/limiter/limiter.ts';
import { readWindow } from '../../../app/limiter/windows.ts';
import { createLimiterGate } from '../../../main/engine/limiterGate.ts';
import type { SharedAdmission, SharedPools } from '../../../main/engine/sharedPools.ts';
import type { Candidate } from '../../../main/engine/targets.ts';
import type { RedisLink } from '../../../main/team/redisLink.ts';
import { createTeamPools } from '../../../main/team/teamPools.ts';
import { OPENAI, T0 } from '../../app/limiter/fixtures.ts';
import { attemptInfo, GROQ_K1, gateRequest, manualTime, NEVER_ABORTED } from './gateFixtures.ts';

const ok = attemptInfo();

/** A team that gives the listed answers in turn and records what it is told. */
function scriptedTeam(answers: SharedAdmission[]) {
  const released: AttemptOutcome[] = [];
  let asked = 0;
  const team: SharedPools = {
    shares: (target) => target.provider.id === 'groq',
    admit: async () => {
      asked++;
      return answers.shift() ?? { ok: true, ticket: { id: `t${asked}` } };
    },
    release: (_ticket, _target, outcome) => void released.push(outcome),
  };
  return { team, released, asked: () => asked };
}

function rpmLeft(gate: ReturnType<typeof createLimiterGate>, now: number): number {
  const pool = Object.values(gate.state().pools).find((p) => p.provider === 'groq');
  const rpm = pool?.windows.find((w) => w.window === 'rpm');
  return rpm === undefined ? -1 : readWindow(rpm, now).remaining;
}

describe('the limiter gate with a team', () => {
  it('hands the local take back when the team refuses, and says why', async () => {
    const time = manualTime(T0);
    const { team, asked } = scriptedTeam([{ ok: false, message: 'Groq is used up by the team.' }]);
    const gate = createLimiterGate({ clock: time.clock, timers: time.timers, shared: team });
    const refused = await gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    expect(refused).toEqual({ ok: false, reason: 'Groq is used up by the team.' });
    expect(asked()).toBe(1);
    expect(rpmLeft(gate, time.clock())).toBe(30);
  });

  it('waits within the route’s wait for the team’s retry time, then asks again', async () => {
    const time = manualTime(T0);
    const { team, asked, released } = scriptedTeam([
      { ok: false, message: 'busy', retryAt: T0 + 1500 },
    ]);
    const gate = createLimiterGate({ clock: time.clock, timers: time.timers, shared: team });
    let result: Awaited<ReturnType<typeof gate.acquire>> | undefined;
    void gate.acquire(GROQ_K1, gateRequest(), 5000, NEVER_ABORTED).then((r) => (result = r));
    await time.advance(1000);
    expect(result).toBeUndefined();
    await time.advance(600);
    expect(result?.ok).toBe(true);
    expect(asked()).toBe(2);
    if (result?.ok) result.release(ok);
    expect(released).toEqual([{ status: 200 }]);
    // One request counted locally: the refused take was handed back.
    expect(rpmLeft(gate, time.clock())).toBe(29);
  });

  it('refuses at once when the team’s retry time is past the route’s wait', async () => {
    const time = manualTime(T0);
    const { team } = scriptedTeam([{ ok: false, message: 'busy', retryAt: T0 + 60_000 }]);
    const gate = createLimiterGate({ clock: time.clock, timers: time.timers, shared: team });
    const refused = await gate.acquire(GROQ_K1, gateRequest(), 2000, NEVER_ABORTED);
    expect(refused).toEqual({ ok: false, reason: 'busy', retryAt: T0 + 60_000 });
  });

  it('wakes an admission waiting for the team when the gate stops', async () => {
    const time = manualTime(T0);
    const { team } = scriptedTeam([{ ok: false, message: 'busy', retryAt: T0 + 3000 }]);
    const gate = createLimiterGate({ clock: time.clock, timers: time.timers, shared: team });
    let result: Awaited<ReturnType<typeof gate.acquire>> | undefined;
    void gate.acquire(GROQ_K1, gateRequest(), 5000, NEVER_ABORTED).then((r) => (result = r));
    await time.advance(10);
    expect(result).toBeUndefined();
    gate.stop();
    await time.advance(0);
    expect(result).toEqual({ ok: false, reason: 'The engine is stopping.' });
  });

  it('a burst made alone while Redis is away gets the member’s share, however its admissions interleave', async () => {
    // Every take of the burst is in the local pool before the first is put to the team (as when
    // one journal commit acknowledges them all): each must be judged by the pool as its own take
    // left it, not by the later takes of the same burst, or none of them fits the share.
    const time = manualTime(T0);
    const down: RedisLink = {
      state: () => 'down',
      run: () => Promise.reject(new Error('down')),
      open: () => false,
      ready: async () => false,
      close: async () => undefined,
    };
    const team = createTeamPools({
      link: down,
      team: 'acme',
      memberId: 'm1',
      clock: time.clock,
      fingerprint: async () => 'fp',
      members: () => 3,
      used: () => undefined,
    });
    const gate = createLimiterGate({ clock: time.clock, timers: time.timers, shared: team });
    const burst = await Promise.all(
      Array.from({ length: 12 }, () => gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED)),
    );
    // Groq's 30 a minute, a third each: ten go, two are refused and handed back.
    expect(burst.filter((a) => a.ok)).toHaveLength(10);
    expect(rpmLeft(gate, time.clock())).toBe(20);
  });

  it('never asks the team about a pool it does not share', async () => {
    const time = manualTime(T0);
    const { team, asked } = scriptedTeam([]);
    const gate = createLimiterGate({ clock: time.clock, timers: time.timers, shared: team });
    const paid: Candidate = { provider: OPENAI, model: 'gpt-4o-mini', keyId: 'p1', tier: 'paid' };
    expect((await gate.acquire(paid, gateRequest(), 0, NEVER_ABORTED)).ok).toBe(true);
    expect(asked()).toBe(0);
  });
});
