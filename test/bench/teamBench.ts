// npm run bench -- team: three engines with keys of one Gemini project (10 RPM, 20 RPD, no
// rate-limit headers) and one Groq organization (30 RPM, headers), each member sending bursts
// to both, on a bursty seeded trace; run three ways on fresh mocks: each engine alone (no team),
// the three as a team through one redis-server, and the team with Redis killed a third of the
// way in and restarted at two thirds. Time runs BENCH_SPEED (default 20) times fast on the
// engines' and mocks' shared clock: a minute is 3 s.
//
// refused by provider: the provider's 429s, as a share of the requests clients sent.
// capacity used: what the provider accepted over what it would have accepted (Gemini: its
// day of 20, reached within the run; Groq: 30 per window of the mock, which opens a window at
// the first request after the last one closed). p95: client-side latency of every request,
// real ms, answered or refused by Switchyard.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../../app/catalog/schema.ts';
import { seedTargets } from '../../app/limiter/outcomes.ts';
import { EMPTY_LIMITER_STATE, poolIdOf, type LimiterTarget } from '../../app/limiter/state.ts';
import { createRedisLink } from '../../main/team/redisLink.ts';
import { createTeamPools } from '../../main/team/teamPools.ts';
import { seededRandom } from '../mocks/util.ts';
import type { LoggedRequest } from '../mocks/types.ts';
import { envInt, table } from '../faults/report.ts';
import { startRedisServer, type RedisServer } from '../team/redisServer.ts';
import { GEMINI_LIMITS, GROQ_LIMITS, startFleet } from '../team/teamFleet.ts';

const SPEED = envInt('BENCH_SPEED', 20);
const MINUTES = envInt('BENCH_MINUTES', 4);
const SEED = envInt('BENCH_SEED', 11);
const MEMBERS = 3;
const MINUTE_MS = 60_000;

type Mode = 'alone' | 'team' | 'team, Redis killed and restarted';

interface Send {
  member: number;
  route: 'gem' | 'groq';
  atMs: number;
}

/** Bursts: each member, about every 8 simulated seconds, sends 1-8 to Groq and 0-2 to Gemini. */
function trace(seed: number): Send[] {
  const random = seededRandom(seed);
  const sends: Send[] = [];
  for (let member = 0; member < MEMBERS; member++) {
    for (let at = random() * 8000; at < MINUTES * MINUTE_MS; at += 4000 + random() * 8000) {
      const groq = 1 + Math.floor(random() * 8);
      for (let i = 0; i < groq; i++) sends.push({ member, route: 'groq', atMs: at });
      const gem = Math.floor(random() * 3);
      for (let i = 0; i < gem; i++) sends.push({ member, route: 'gem', atMs: at });
    }
  }
  return sends.sort((a, b) => a.atMs - b.atMs);
}

/** Windows the mock opened: one at the first arrival, the next at the first after it closed. */
function windowsOpened(requests: readonly LoggedRequest[]): number {
  let windows = 0;
  let start = Number.NEGATIVE_INFINITY;
  for (const r of [...requests].sort((a, b) => a.at - b.at)) {
    if (r.at >= start + MINUTE_MS) {
      windows++;
      start = r.at;
    }
  }
  return windows;
}

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0;
}

async function run(mode: Mode, sends: readonly Send[]): Promise<Array<Array<string | number>>> {
  const T0 = Date.parse('2026-03-10T10:00:00Z');
  const R0 = performance.now();
  const clock = () => T0 + Math.round((performance.now() - R0) * SPEED);
  const redis: RedisServer | undefined = mode === 'alone' ? undefined : await startRedisServer();
  const fleet = await startFleet({
    members: MEMBERS,
    clock,
    heartbeatMs: 200,
    ...(redis === undefined ? {} : { redisUrl: redis.url }),
  });
  const started = performance.now();
  const latency: Record<Send['route'], number[]> = { gem: [], groq: [] };
  const asked: Record<Send['route'], number> = { gem: 0, groq: 0 };
  const pending: Array<Promise<void>> = [];
  const realMs = (simMs: number) => simMs / SPEED;
  const chaos =
    mode === 'team, Redis killed and restarted' && redis !== undefined
      ? (async () => {
          const total = realMs(MINUTES * MINUTE_MS);
          await new Promise((r) => setTimeout(r, total / 3));
          await redis.kill();
          await new Promise((r) => setTimeout(r, total / 3));
          await redis.restart();
        })()
      : Promise.resolve();
  for (const send of sends) {
    const wait = started + realMs(send.atMs) - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    asked[send.route]++;
    const t = performance.now();
    pending.push(
      fleet.ask(send.member, send.route, 'bench prompt').then(
        () => void latency[send.route].push(performance.now() - t),
        () => void latency[send.route].push(performance.now() - t),
      ),
    );
  }
  await Promise.all(pending);
  await chaos;
  const rows = (['gem', 'groq'] as const).map((route) => {
    const mock = route === 'gem' ? fleet.gemini : fleet.groq;
    const accepted = mock.requests.filter((r) => r.status === 200).length;
    const refused = mock.requests.filter((r) => r.status === 429).length;
    const capacity =
      route === 'gem'
        ? Math.min(GEMINI_LIMITS.rpd, GEMINI_LIMITS.rpm * windowsOpened(mock.requests))
        : GROQ_LIMITS.rpm * windowsOpened(mock.requests);
    return [
      mode,
      route === 'gem' ? 'Gemini (no headers)' : 'Groq (headers)',
      asked[route],
      mock.requests.length,
      `${refused} (${((100 * refused) / Math.max(1, asked[route])).toFixed(1)}%)`,
      `${accepted}/${capacity} (${((100 * accepted) / Math.max(1, capacity)).toFixed(1)}%)`,
      p95(latency[route]).toFixed(0),
    ];
  });
  await fleet.close();
  await redis?.kill();
  return rows;
}

/**
 * What team mode adds to a request: one admission script in Redis. Timed alone, sequentially,
 * against a local redis-server, for a Groq free pool (four windows: rpm, rpd, tpm, tpd).
 */
async function admissionRoundTrip(count: number): Promise<string> {
  const loaded = loadCatalog(
    JSON.parse(readFileSync(new URL('../../resources/providers.json', import.meta.url), 'utf8')),
  );
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const groq = loaded.catalog.providers.find((p) => p.id === 'groq');
  if (groq === undefined) throw new Error('no groq in the catalog');
  const target: LimiterTarget = {
    provider: groq,
    model: 'llama-3.1-8b-instant',
    keyId: 'k',
    tier: 'free',
  };
  const pool = seedTargets(EMPTY_LIMITER_STATE, [target], Date.now()).pools[poolIdOf(target)];
  if (pool === undefined) throw new Error('no pool');
  const redis = await startRedisServer();
  const link = await createRedisLink({ url: redis.url, onState: () => undefined });
  await link.ready(2000);
  const pools = createTeamPools({
    link,
    team: 'bench',
    memberId: 'bench0',
    clock: Date.now,
    fingerprint: async () => 'f',
    members: () => 1,
    used: () => undefined,
  });
  pools.setJoined(true);
  const times: number[] = [];
  let admitted = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const answer = await pools.admit(
      target,
      pool,
      { inputTokens: 10, outputTokens: 16 },
      Date.now(),
    );
    times.push(performance.now() - t);
    // Past the minute's 30 the script refuses: still one whole round trip (trim, read, sum).
    if (answer.ok) admitted++;
    else if (answer.message.includes('used up by the team')) refused++;
  }
  // Past the minute's 30 only Redis refuses: none refused means Redis was never asked.
  if (link.state() !== 'up' || refused === 0)
    throw new Error('Redis was not asked: no measurement');
  await link.close();
  await redis.kill();
  const sorted = times.sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.floor(sorted.length * q)] ?? 0).toFixed(2);
  return `Admission round trip to Redis (${count} sequential: ${admitted} admitted, ${refused} refused for the window; 4 windows, loopback): p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`;
}

const sends = trace(SEED);
const rows: Array<Array<string | number>> = [];
const began = performance.now();
for (const mode of ['alone', 'team', 'team, Redis killed and restarted'] as const) {
  rows.push(...(await run(mode, sends)));
}
console.log(
  table(
    [
      'members',
      'provider',
      'requests',
      'sent to provider',
      'refused by provider',
      'capacity used',
      'p95 ms',
    ],
    rows,
  ),
);
console.log(
  `\n${MEMBERS} engines, ${MINUTES} simulated minutes at ${SPEED}x, seed ${SEED}; ${((performance.now() - began) / 1000).toFixed(0)} s in all.`,
);
console.log(await admissionRoundTrip(envInt('BENCH_ADMISSIONS', 2000)));
console.log('Reproduce: npm run bench -- team   (BENCH_SEED, BENCH_MINUTES, BENCH_SPEED)');
process.exit(0);
