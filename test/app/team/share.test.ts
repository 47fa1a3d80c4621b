import { describe, expect, it } from 'vitest';
import { admit } from '../../../app/limiter/limiter.ts';
import { EMPTY_LIMITER_STATE, poolIdOf, type LimiterState } from '../../../app/limiter/state.ts';
import { sharedByScope, sharedWindows, shareOf, shareRefusal } from '../../../app/team/share.ts';
import { shareLines, teamSummary, type TeamStatus } from '../../../app/team/status.ts';
import { GEMINI, GROQ, OLLAMA, OPENAI, T0, target } from '../limiter/fixtures.ts';

const ONE = { inputTokens: 10, outputTokens: 5 };

/** Takes `n` requests for the target at T0; returns the state. */
function takeN(t: ReturnType<typeof target>, n: number): LimiterState {
  let state = EMPTY_LIMITER_STATE;
  for (let i = 0; i < n; i++) {
    const result = admit(state, t, ONE, T0 + i);
    if (!result.ok) throw new Error(result.message);
    state = result.state;
  }
  return state;
}

describe('which pools a team shares', () => {
  it('shares quotas counted per organization, project or account, never keyless or per-key ones', () => {
    expect(sharedByScope(GROQ, 'k')).toBe(true);
    expect(sharedByScope(GEMINI, 'k')).toBe(true);
    expect(sharedByScope(OPENAI, 'k')).toBe(false);
    expect(sharedByScope(OLLAMA, undefined)).toBe(false);
  });
});

describe('the windows an admission asks of Redis', () => {
  it('sends the per-minute window as a log and the day as a counter ending at the provider’s reset', () => {
    const t = target(GEMINI, 'gemini-2.5-flash', 'free');
    const state = takeN(t, 1);
    const pool = state.pools[poolIdOf(t)];
    if (pool === undefined) throw new Error('no pool');
    const windows = sharedWindows(pool, ONE);
    const rpm = windows.find((w) => w.window === 'rpm');
    const rpd = windows.find((w) => w.window === 'rpd');
    expect(rpm).toMatchObject({ kind: 'log', limit: 10, amount: 1 });
    // Midnight in Los Angeles after 2026-03-10 12:00 UTC (PDT, UTC-7).
    expect(rpd).toMatchObject({
      kind: 'counter',
      limit: 20,
      amount: 1,
      resetAt: Date.parse('2026-03-11T07:00:00Z'),
    });
  });
});

describe('a member’s share while Redis is away', () => {
  it('divides each limit by the members present, at least one each', () => {
    expect(shareOf(10, 3)).toBe(3);
    expect(shareOf(30, 3)).toBe(10);
    expect(shareOf(2, 5)).toBe(1);
    expect(shareOf(20, 0)).toBe(20);
  });

  it('lets a member take its share of a minute and refuses the next until its window frees', () => {
    const t = target(GEMINI, 'gemini-2.5-flash', 'free');
    const id = poolIdOf(t);
    const within = takeN(t, 3).pools[id];
    const over = takeN(t, 4).pools[id];
    if (within === undefined || over === undefined) throw new Error('no pool');
    expect(shareRefusal(within, 3, T0 + 10)).toBeUndefined();
    const refused = shareRefusal(over, 3, T0 + 10);
    expect(refused?.window).toBe('rpm');
    expect(refused?.retryAt).toBeGreaterThan(T0 + 60_000);
    // Alone in the team, the whole limit is the member's.
    expect(shareRefusal(over, 1, T0 + 10)).toBeUndefined();
  });
});

describe('team status lines', () => {
  const base: TeamStatus = {
    team: 'acme',
    member: 'laptop',
    state: 'joined',
    since: T0,
    members: [
      { name: 'laptop', version: '0.1.0', lastSeen: T0, self: true },
      { name: 'desktop', version: '0.1.0', lastSeen: T0, self: false },
    ],
    pools: [
      {
        pool: 'groq|k|llama',
        provider: 'Groq',
        model: 'llama',
        limit: 30,
        members: [
          { name: 'laptop', used: 4 },
          { name: 'desktop', used: 9 },
        ],
      },
    ],
    unmerged: 0,
  };

  it('names the members when joined and the reason when alone', () => {
    expect(teamSummary(base)).toBe(
      'Team "acme" as "laptop": joined, 2 members (laptop (this one), desktop)',
    );
    const alone = { ...base, state: 'alone' as const, message: 'Redis is unreachable.' };
    expect(teamSummary(alone)).toBe('Team "acme" as "laptop": Redis is unreachable.');
    expect(shareLines(base)).toEqual(['Groq llama: laptop 4, desktop 9 of 30 per minute']);
  });
});
