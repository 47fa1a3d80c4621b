// npm run bench -- freeTier: a simulated day of IDE traffic against mock providers that enforce
// the published free-tier limits (Groq 30 RPM / 14,400 RPD, Gemini 15 RPM / 1,500 RPD,
// OpenRouter free 20 RPM / 50 RPD, Cerebras 30 RPM) with a paid gpt-4o-mini behind them, served
// three ways on the same trace. Time is virtual (./freeTier/virtualTime.ts): it stands still
// during each HTTP exchange and jumps between events, so the day runs as fast as its requests.
//
// BENCH_SEED (default 7) picks the trace; BENCH_ONLY=switchyard,wait,naive,naive5,reactive (the
// default: all) runs a subset. "goodput vs naive" compares answers with the SDK-default naive row.
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../mocks/util.ts';
import { MEMBERS, startFleet } from './freeTier/fleet.ts';
import { freeCapacityOracle } from './freeTier/oracle.ts';
import {
  createNaiveRetryStrategy,
  createReactiveCooldownStrategy,
  createSwitchyardStrategy,
  type Outcome,
  type Strategy,
  type StrategyEnv,
} from './freeTier/strategies.ts';
import { generateTrace, type TraceRequest } from './freeTier/trace.ts';
import { createVirtualTime } from './freeTier/virtualTime.ts';
import { percentile } from './stats.ts';

/** 2026-03-10 00:00 in Los Angeles (PDT): Gemini's day starts here, OpenRouter's at 17:00. */
const DAY_START = Date.parse('2026-03-10T07:00:00Z');

interface Run {
  name: string;
  outcomes: Outcome[];
  refusals: Map<string, number>;
  realSeconds: number;
}

type Maker = (env: StrategyEnv) => Strategy;

const STRATEGIES: Record<string, { label: string; make: Maker }> = {
  switchyard: {
    label: 'Switchyard (plan + limiter, spill)',
    make: (env) => createSwitchyardStrategy(env).strategy,
  },
  wait: {
    label: 'Switchyard (plan + limiter, wait ≤ 2 s)',
    make: (env) =>
      createSwitchyardStrategy(env, { onLimit: { mode: 'wait', maxWaitMs: 2000 } }).strategy,
  },
  naive: {
    label: 'naive retry (Groq only, SDK defaults: 2 retries)',
    make: (env) => createNaiveRetryStrategy(env, 'groq', 2),
  },
  naive5: {
    label: 'naive retry (Groq only, 5 retries)',
    make: (env) => createNaiveRetryStrategy(env, 'groq', 5),
  },
  reactive: {
    label: 'reactive cooldown (round-robin, 5 s bench after 429)',
    make: (env) => createReactiveCooldownStrategy(env),
  },
};

async function runStrategy(
  name: string,
  make: Maker,
  trace: readonly TraceRequest[],
  seed: number,
): Promise<Run> {
  const started = performance.now();
  const time = createVirtualTime(DAY_START);
  const fleet = await startFleet(time, seededRandom(seed * 31 + 1), seed);
  const strategy = make({ time, fleet, random: seededRandom(seed * 17 + 3) });
  const outcomes: Outcome[] = [];
  for (const req of trace) {
    time.setTimeout(() => {
      void strategy(req).then((o) => outcomes.push(o));
    }, req.at - DAY_START);
  }
  await time.run();
  const refusals = fleet.refusals();
  await fleet.close();
  return { name, outcomes, refusals, realSeconds: (performance.now() - started) / 1000 };
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const seed = Number(process.env.BENCH_SEED ?? 7);
  const only = (process.env.BENCH_ONLY ?? Object.keys(STRATEGIES).join(','))
    .split(',')
    .map((s) => s.trim());
  const trace = generateTrace({ seed, dayStart: DAY_START });
  const free = MEMBERS.filter((m) => m.tier === 'free').map((m) => ({
    id: m.id,
    limits: m.limits,
  }));
  const oracle = freeCapacityOracle(trace, free);
  const bursts = trace.filter((r) => r.burst).length;
  console.log(
    `\nFree-tier simulation: ${trace.length} requests over one simulated day (seed ${seed}; ${bursts} in agent bursts), ` +
      `a greedy oracle with perfect knowledge answers ${oracle.total} of them (${pct(oracle.total, trace.length)}) from the free tiers.`,
  );

  const runs: Run[] = [];
  for (const name of only) {
    const entry = STRATEGIES[name];
    if (entry === undefined)
      throw new Error(`unknown strategy ${name}; there are ${Object.keys(STRATEGIES).join(', ')}`);
    runs.push(await runStrategy(entry.label, entry.make, trace, seed));
  }
  const naive = runs.find((r) => r.name === STRATEGIES['naive']?.label);
  const naiveAnswered = naive?.outcomes.filter((o) => o.answered).length;

  const header = [
    'strategy',
    'answered',
    'client 429s',
    'free answers / oracle',
    'paid requests',
    'est. spend',
    'provider 429s',
    'p50 latency',
    'p95 latency',
    'goodput vs naive',
    'attempts / req',
    'real time',
  ];
  console.log(`\n| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
  for (const run of runs) {
    const { outcomes } = run;
    const total = outcomes.length;
    const ok = outcomes.filter((o) => o.answered);
    const client429 = outcomes.filter((o) => !o.answered && o.status === 429).length;
    const paid = ok.filter((o) => o.paid);
    const freeAnswers = ok.length - paid.length;
    const providerRefusals = [...run.refusals.values()].reduce((a, b) => a + b, 0);
    const latencies = ok.map((o) => o.latencyMs).sort((a, b) => a - b);
    const attempts = outcomes.reduce((n, o) => n + o.attempts, 0);
    console.log(
      `| ${[
        run.name,
        `${ok.length} (${pct(ok.length, total)})`,
        String(client429),
        `${freeAnswers} / ${oracle.total} (${pct(freeAnswers, oracle.total)})`,
        String(paid.length),
        `$${paid.reduce((s, o) => s + o.costUsd, 0).toFixed(3)}`,
        `${providerRefusals} (${pct(providerRefusals, total)})`,
        seconds(percentile(latencies, 50)),
        seconds(percentile(latencies, 95)),
        naiveAnswered === undefined ? '–' : `${(ok.length / naiveAnswered).toFixed(2)}×`,
        (attempts / total).toFixed(2),
        `${run.realSeconds.toFixed(1)} s`,
      ].join(' | ')} |`,
    );
  }
  console.log('\nPer provider: answers (429s it sent)');
  for (const run of runs) {
    const answers = new Map<string, number>();
    for (const o of run.outcomes)
      if (o.provider !== undefined) answers.set(o.provider, (answers.get(o.provider) ?? 0) + 1);
    const parts = MEMBERS.map(
      (m) => `${m.id} ${answers.get(m.id) ?? 0} (${run.refusals.get(m.id) ?? 0})`,
    );
    console.log(`  ${run.name}: ${parts.join(', ')}`);
  }
  console.log(
    `\nOracle per provider: ${[...oracle.byProvider].map(([id, n]) => `${id} ${n}`).join(', ')}.` +
      '\nLatency is arrival to final answer in simulated time, answered requests only; a refused attempt costs a 60–250 ms round trip.' +
      '\nReproduce: node_modules/.bin/node test/bench/freeTierBench.ts   (or npm run bench -- freeTier; BENCH_SEED, BENCH_ONLY)',
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
