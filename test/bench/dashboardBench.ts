// npm run bench -- dashboard: what an open dashboard spends on each request the engine
// announces, with the live window already holding BENCH_FILL finished requests (default 10,000):
// BENCH_EVENTS more (default 2,000) one per network write (a quiet proxy), then 100 per write (a
// busy one: the engine sends a batch per 100 ms), through the dashboard's own event client and
// sync into its store. µs per event, median of BENCH_RUNS, and the store updates caused: each is a
// render of the open page, which this bench does not draw.
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';

type StoreCost = (
  fill: number,
  events: number,
  perWrite: number,
) => Promise<{ usPerEvent: number; updates: number }>;

const FILL = Number(process.env.BENCH_FILL ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// Loaded by path: the renderer's code is typed for the DOM (its own TypeScript project).
const helper = fileURLToPath(new URL('../renderer/storeCost.ts', import.meta.url));
const { storeCostPerEvent } = (await import(helper)) as { storeCostPerEvent: StoreCost };

console.log(
  `dashboard store: ${FILL} requests already in the live window, ${EVENTS} more announced (median of ${RUNS} runs)`,
);
console.log(
  `${'events per write'.padEnd(18)}${'µs per event'.padStart(14)}${'store updates'.padStart(15)}`,
);
for (const perWrite of [1, 100]) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await storeCostPerEvent(FILL, EVENTS, perWrite));
  const us = median(runs.map((r) => r.usPerEvent));
  const updates = median(runs.map((r) => r.updates));
  console.log(
    `${String(perWrite).padEnd(18)}${us.toFixed(1).padStart(14)}${String(updates).padStart(15)}`,
  );
}
console.log(
  `\nReproduce: BENCH_FILL=${FILL} BENCH_EVENTS=${EVENTS} BENCH_RUNS=${RUNS} npm run bench -- dashboard`,
);
