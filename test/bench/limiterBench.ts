// npm run bench -- limiter: what the rate limiter costs per request, in-process: one admit and
// its release, as the gate runs them for a Groq key whose answers carry Groq's six x-ratelimit-*
// headers (the proxy bench's upstream sends the same), the same without headers (usage only), and
// the header reading alone. µs per cycle (median of BENCH_ROUNDS rounds of BENCH_RUNS cycles,
// the variants interleaved) and bytes allocated per cycle (the heap's growth over 2,000 more
// cycles from a collected heap, with a young generation large enough that no scavenge falls
// inside). BENCH_COMPARE=ROOT[,ROOT…] loads the limiter of other checkouts into the same process
// and interleaves their rows with this one's: the way to weigh a change against its base.
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { AdmitResult, AttemptOutcome, Ticket } from '../../app/limiter/limiter.ts';
import type { Demand, LimiterState, LimiterTarget } from '../../app/limiter/state.ts';
import type { HeaderDialect, HeaderLookup } from '../../app/ratelimit/headers.ts';
import { GROQ, headers, target } from '../app/limiter/fixtures.ts';
import { BENCH_RATE_LIMIT_HEADERS } from './configFixture.ts';
import { runUnderHeapFlags } from './heapFlags.ts';
import { median } from './stats.ts';

runUnderHeapFlags();

const RUNS = Number(process.env.BENCH_RUNS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
/** Cycles whose allocation is measured: few enough (~10 KB each) to fit in the young generation. */
const BYTES_RUNS = 2_000;
/** Rounds run first and not counted, so that V8 has compiled what it runs. */
const WARM_ROUNDS = 3;
/** Time between requests: 2,000 a second, a busy proxy's rate on one key. */
const STEP_MS = 0.5;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** The functions a cycle calls, from one checkout. */
interface Limiter {
  admit(state: LimiterState, target: LimiterTarget, demand: Demand, now: number): AdmitResult;
  release(
    state: LimiterState,
    target: LimiterTarget,
    ticket: Ticket,
    outcome: AttemptOutcome,
    now: number,
  ): LimiterState;
  parse(dialect: HeaderDialect, lookup: HeaderLookup, now: number): unknown;
  empty: LimiterState;
}

const here = fileURLToPath(new URL('../..', import.meta.url));

async function load(root: string): Promise<Limiter> {
  const at = (path: string) => resolve(root, path);
  const limiter = (await import(at('app/limiter/limiter.ts'))) as Pick<Limiter, 'admit'>;
  const outcomes = (await import(at('app/limiter/outcomes.ts'))) as Pick<Limiter, 'release'>;
  const state = (await import(at('app/limiter/state.ts'))) as {
    EMPTY_LIMITER_STATE: LimiterState;
  };
  const parsing = (await import(at('app/ratelimit/headers.ts'))) as {
    parseRateLimitHeaders: Limiter['parse'];
  };
  return {
    admit: limiter.admit,
    release: outcomes.release,
    parse: parsing.parseRateLimitHeaders,
    empty: state.EMPTY_LIMITER_STATE,
  };
}

/** What the proxy bench's upstream answers with. */
const GROQ_HEADERS = headers(BENCH_RATE_LIMIT_HEADERS);
const TARGET = target(GROQ, 'bench-model');
const DEMAND: Demand = { inputTokens: 10, outputTokens: 0 };
const USAGE = { tokensIn: 5, tokensOut: 1 };
const WITH_HEADERS: AttemptOutcome = { status: 200, usage: USAGE, headers: GROQ_HEADERS };
const WITHOUT_HEADERS: AttemptOutcome = { status: 200, usage: USAGE };
const T0 = Date.parse('2026-03-10T12:00:00Z');

type Case = 'admit + release, Groq headers' | 'admit + release, no headers' | 'headers read alone';
const CASES: Case[] = [
  'admit + release, Groq headers',
  'admit + release, no headers',
  'headers read alone',
];

/** One case of one checkout: its own state and clock, run `n` cycles at a time. */
function runner(lim: Limiter, kind: Case): (n: number) => void {
  let state = lim.empty;
  let now = T0;
  if (kind === 'headers read alone') {
    return (n) => {
      for (let i = 0; i < n; i++) {
        now += STEP_MS;
        lim.parse('groq', GROQ_HEADERS, now);
      }
    };
  }
  const cycles = (n: number, outcome: AttemptOutcome) => {
    for (let i = 0; i < n; i++) {
      now += STEP_MS;
      const admitted = lim.admit(state, TARGET, DEMAND, now);
      if (!admitted.ok) throw new Error(admitted.message);
      state = lim.release(admitted.state, TARGET, admitted.ticket, outcome, now + STEP_MS / 2);
    }
  };
  // The model is not in the catalog: its windows (requests per day, tokens per minute) are
  // learned from the first answer's headers, so the case without headers starts from one.
  cycles(1, WITH_HEADERS);
  const outcome = kind === 'admit + release, Groq headers' ? WITH_HEADERS : WITHOUT_HEADERS;
  return (n) => cycles(n, outcome);
}

const roots = [here, ...(process.env.BENCH_COMPARE ?? '').split(',').filter((r) => r !== '')];
const limiters = await Promise.all(roots.map((root) => load(root)));
const rows = CASES.flatMap((kind) =>
  limiters.map((lim, r) => ({
    kind,
    root: r === 0 ? '.' : (roots[r] as string),
    run: runner(lim, kind),
    times: [] as number[],
    bytes: [] as number[],
  })),
);

for (let round = 0; round < WARM_ROUNDS + ROUNDS; round++) {
  for (const row of rows) {
    const started = performance.now();
    row.run(RUNS);
    const elapsed = performance.now() - started;
    if (round >= WARM_ROUNDS) row.times.push((elapsed * 1000) / RUNS);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    row.run(BYTES_RUNS);
    const grown = process.memoryUsage().heapUsed - heapBefore;
    if (round >= WARM_ROUNDS) row.bytes.push(grown / BYTES_RUNS);
  }
}

console.log(
  `The rate limiter per request, in-process (a Groq key; ${STEP_MS} ms between requests): µs and bytes per cycle, median of ${ROUNDS} rounds of ${RUNS}.\n` +
    `BENCH_RUNS=${RUNS} BENCH_ROUNDS=${ROUNDS}${roots.length > 1 ? ` BENCH_COMPARE=${roots.slice(1).join(',')}` : ''} npm run bench -- limiter`,
);
const table = [
  ['cycle', 'checkout', 'µs', 'bytes', ...(roots.length > 1 ? ['µs vs first'] : [])],
  ...rows.map((row) => {
    const first = rows.find((other) => other.kind === row.kind) as (typeof rows)[number];
    const ratio = median(row.times.map((t, i) => t / (first.times[i] ?? NaN)));
    return [
      row.kind,
      row.root,
      median(row.times).toFixed(3),
      median(row.bytes).toFixed(0),
      ...(roots.length > 1 ? [ratio.toFixed(3)] : []),
    ];
  }),
];
const widths = table[0]?.map((_, c) => Math.max(...table.map((cells) => (cells[c] ?? '').length)));
for (const cells of table) {
  console.log(cells.map((cell, c) => cell.padEnd(widths?.[c] ?? 0)).join('  '));
}
