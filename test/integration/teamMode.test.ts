// Team mode against a real redis-server: three engines share one Gemini project key (no
// rate-limit headers; 10 RPM and 20 RPD in the catalog) and one Groq organization key (headers),
// under bursts from all three. Time runs 20x fast (a minute is 3 s) on the engines' and the
// mocks' shared clock, so bursts meet fresh windows within the test's bounds.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineStatus } from '../../app/admin/contract.ts';
import { startRedisServer, type RedisServer } from '../team/redisServer.ts';
import {
  GEMINI_LIMITS,
  GEMINI_SECRET,
  GROQ_SECRET,
  startFleet,
  TEAM_PROXY_KEY,
  type Fleet,
} from '../team/teamFleet.ts';

const SPEED = 20;
const T0 = Date.parse('2026-03-10T10:00:00Z');
const R0 = Date.now();
const clock = () => T0 + (Date.now() - R0) * SPEED;
const PROMPT_MARKER = 'team-prompt-marker-5f2c';
const MINUTE_REAL_MS = 60_000 / SPEED;

let redis: RedisServer;
let fleet: Fleet;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function teamOf(i: number): Promise<NonNullable<EngineStatus['team']>> {
  const status = (await fleet.admin(i, '/admin/status')) as EngineStatus;
  if (status.team === undefined) throw new Error('no team in status');
  return status.team;
}

/** Polls every member's team status until `ok` holds for all (bounded). */
async function waitForAll(ok: (team: NonNullable<EngineStatus['team']>) => boolean): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    const teams = await Promise.all([0, 1, 2].map(teamOf));
    if (teams.every(ok)) return;
    if (Date.now() > until)
      throw new Error(`team state: ${JSON.stringify(teams.map((t) => t.state))}`);
    await sleep(100);
  }
}

/** Every member sends `perMember` requests at once to `route`; returns the statuses. */
async function burst(route: 'gem' | 'groq', perMember: number): Promise<number[]> {
  const sends: Array<Promise<number>> = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < perMember; j++)
      sends.push(fleet.ask(i, route, `${PROMPT_MARKER} ${i}.${j}`));
  }
  return Promise.all(sends);
}

// The quota counts chat requests; each member's model listing at start (discovery) is not one.
const chats = (mock: Fleet['gemini']) =>
  mock.requests.filter((r) => /:(stream)?[gG]enerateContent|\/chat\/completions/.test(r.path));
const refusedByProvider = (mock: Fleet['gemini']) =>
  chats(mock).filter((r) => r.status === 429).length;
const served = (mock: Fleet['gemini']) => chats(mock).filter((r) => r.status === 200).length;

/** Every key and value in Redis, as text. */
async function dumpRedis(client: Redis): Promise<string> {
  const parts: string[] = [];
  for (const key of await client.keys('*')) {
    parts.push(key);
    const type = await client.type(key);
    if (type === 'string') parts.push((await client.get(key)) ?? '');
    else if (type === 'zset') parts.push(...(await client.zrange(key, 0, -1, 'WITHSCORES')));
    else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
    else parts.push(`<${type}>`);
  }
  return parts.join('\n');
}

function expectNothingSecret(text: string): void {
  for (const forbidden of [
    GEMINI_SECRET,
    GROQ_SECRET,
    TEAM_PROXY_KEY,
    PROMPT_MARKER,
    'gem-0',
    'groq-1',
  ]) {
    expect(text).not.toContain(forbidden);
  }
  for (const engine of fleet.engines) expect(text).not.toContain(engine.adminToken);
}

beforeAll(async () => {
  redis = await startRedisServer();
  fleet = await startFleet({ members: 3, redisUrl: redis.url, clock, heartbeatMs: 200 });
  await waitForAll((t) => t.state === 'joined' && t.members.length === 3);
}, 30_000);

afterAll(async () => {
  await fleet?.close();
  redis?.resume();
  await redis?.kill();
});

describe('team mode through Redis', () => {
  it('keeps three members within one Gemini project quota and one Groq organization quota', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      statuses.push(...(await burst('gem', 6)), ...(await burst('groq', 15)));
      await sleep(MINUTE_REAL_MS + 200);
    }
    expect(refusedByProvider(fleet.gemini)).toBe(0);
    expect(refusedByProvider(fleet.groq)).toBe(0);
    // The day's 20 went out, and no more: three members, one per-day count.
    expect(served(fleet.gemini)).toBe(GEMINI_LIMITS.rpd);
    expect(served(fleet.groq)).toBeGreaterThanOrEqual(60);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    const client = redis.client();
    const counters = await client.keys('sy:acme:p:gemini:*:c:rpd:*');
    expect(counters).toHaveLength(1);
    const perMember = await client.hvals(counters[0] as string);
    expect(perMember.reduce((sum, n) => sum + Number(n), 0)).toBe(GEMINI_LIMITS.rpd);
    // The Overview's per-member shares of each shared pool.
    const team = await teamOf(0);
    expect(team.pools.map((p) => p.provider).sort()).toEqual(['Google Gemini', 'Groq']);
    expect(team.pools.find((p) => p.provider === 'Groq')?.members).toHaveLength(3);
    expectNothingSecret(await dumpRedis(client));
  }, 60_000);

  it('falls back to each member’s share when Redis dies, says so, and re-joins when it returns', async () => {
    const groqRefusedBefore = refusedByProvider(fleet.groq);
    const groqServedBefore = served(fleet.groq);
    await redis.kill();
    const statuses: number[] = [];
    // The first burst after the kill meets the dead connection itself: nothing may fail for it.
    statuses.push(...(await burst('groq', 12)));
    await waitForAll((t) => t.state === 'alone');
    const alone = await teamOf(1);
    expect(alone.message).toMatch(/unreachable.*share \(1\/3\)/);
    expect(fleet.logs[1]?.some((l) => l.includes('Redis is unreachable'))).toBe(true);
    await sleep(MINUTE_REAL_MS + 200);
    statuses.push(...(await burst('groq', 12)));
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(refusedByProvider(fleet.groq)).toBe(groqRefusedBefore);
    expect(served(fleet.groq)).toBeGreaterThan(groqServedBefore);

    await redis.restart();
    await waitForAll((t) => t.state === 'joined' && t.unmerged === 0 && t.members.length === 3);
    const client = redis.client();
    // What the members counted alone was merged into the team's counts.
    const logs = await client.keys('sy:acme:p:groq:*:w:rpm');
    expect(logs).toHaveLength(1);
    expect(await client.zcard(logs[0] as string)).toBeGreaterThan(0);
    // Redis came back empty; each member restored its own count of Gemini's day: the day is spent.
    const counters = await client.keys('sy:acme:p:gemini:*:c:rpd:*');
    expect(counters).toHaveLength(1);
    const perMember = await client.hvals(counters[0] as string);
    expect(perMember.reduce((sum, n) => sum + Number(n), 0)).toBe(GEMINI_LIMITS.rpd);
    statuses.push(...(await burst('groq', 4)));
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expectNothingSecret(await dumpRedis(client));
  }, 60_000);

  it('counts alone, without waiting on it, while Redis holds connections open but never answers', async () => {
    const refusedBefore = refusedByProvider(fleet.groq);
    await sleep(MINUTE_REAL_MS + 200);
    redis.pause();
    try {
      const started = Date.now();
      const statuses = await burst('groq', 5);
      // Each admission waits at most one bounded round trip (250 ms), then counts alone.
      expect(Date.now() - started).toBeLessThan(3000);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
      await waitForAll((t) => t.state === 'alone');
      expect((await teamOf(2)).message).toMatch(/did not answer within 250 ms/);
    } finally {
      redis.resume();
    }
    await waitForAll((t) => t.state === 'joined' && t.unmerged === 0);
    expect(refusedByProvider(fleet.groq)).toBe(refusedBefore);
  }, 60_000);

  it('shares a cooldown: after one member meets a 429, the others hold off without asking', async () => {
    await sleep(MINUTE_REAL_MS + 200);
    fleet.groq.queueFaults({ kind: 'rate-limit', retryAfterMs: 30_000 });
    expect(await fleet.ask(0, 'groq', `${PROMPT_MARKER} cooldown`)).toBe(429);
    const sent = fleet.groq.requests.length;
    // The hold reaches Redis just after the answer; give it a moment.
    await sleep(100);
    expect(await fleet.ask(1, 'groq', `${PROMPT_MARKER} held`)).toBe(429);
    expect(await fleet.ask(2, 'groq', `${PROMPT_MARKER} held`)).toBe(429);
    expect(fleet.groq.requests.length).toBe(sent);
    const client = redis.client();
    const holds = await client.keys('sy:acme:p:groq:*:hold');
    expect(holds).toHaveLength(1);
    expect(await client.hget(holds[0] as string, 'kind')).toBe('cooling');
  }, 30_000);
});
