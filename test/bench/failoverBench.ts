// npm run bench -- failover: success rate against the best possible when each of three targets
// answers 2% of requests with HTTP 500, paced at 20, 50 and 100 req/s and in a closed loop at
// 50 connections; then the same with 20% of clients cancelling at a random moment of their
// first 60 ms (the mocks answer in 10-40 ms, so most cancels land before the first byte).
//
// Success: a 200 with the whole answer. Cancelled requests (the client hung up before the answer
// ended) are left out of the denominator; one that finished before its cancel fired counts as a
// success. Best possible: the share of requests not failed by all three targets, 1 - 0.02^3.
// Every row runs on a fresh engine. BENCH_SECONDS (default 4) sizes the paced rows,
// BENCH_CLOSED_REQUESTS (default 1500) the closed-loop ones, BENCH_SEED (default 13) the dice.
import { envInt, table } from '../faults/report.ts';
import { startLoadRig, type LoadMode, type LoadResult } from '../faults/failureLoad.ts';

const SECONDS = envInt('BENCH_SECONDS', 4);
const CLOSED_REQUESTS = envInt('BENCH_CLOSED_REQUESTS', 1500);
const SEED = envInt('BENCH_SEED', 13);
const SERVER_ERROR_RATE = 0.02;
const CANCEL_SHARE = 0.2;
const CANCEL_WITHIN_MS = 60;

const MODES: Array<{ label: string; mode: LoadMode; requests: number }> = [
  { label: 'paced 20 req/s', mode: { kind: 'paced', rps: 20 }, requests: 20 * SECONDS },
  { label: 'paced 50 req/s', mode: { kind: 'paced', rps: 50 }, requests: 50 * SECONDS },
  { label: 'paced 100 req/s', mode: { kind: 'paced', rps: 100 }, requests: 100 * SECONDS },
  {
    label: 'closed loop, 50 conns',
    mode: { kind: 'closed', connections: 50 },
    requests: CLOSED_REQUESTS,
  },
];

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

const rows: Array<Array<string | number>> = [];
const started = performance.now();
for (const cancels of [false, true]) {
  for (const [i, { label, mode, requests }] of MODES.entries()) {
    const seed = SEED * 100 + i + (cancels ? 50 : 0);
    const rig = await startLoadRig({ serverErrorRate: SERVER_ERROR_RATE, seed });
    let result: LoadResult;
    try {
      result = await rig.run({
        mode,
        requests,
        serverErrorRate: SERVER_ERROR_RATE,
        cancelShare: cancels ? CANCEL_SHARE : 0,
        cancelWithinMs: CANCEL_WITHIN_MS,
        seed,
      });
    } finally {
      await rig.engine.close();
    }
    const failures = Object.entries(result.failures)
      .map(([what, n]) => `${what}×${n}`)
      .join(' ');
    rows.push([
      `${label}${cancels ? ', 20% cancel' : ''}`,
      result.sent,
      result.achievedRps.toFixed(0),
      result.cancelled,
      result.ok,
      pct(result.successRate),
      pct(result.bestPossible),
      pct(result.successRate / result.bestPossible),
      failures === '' ? '-' : failures,
    ]);
  }
}

console.log(
  table(
    [
      'load (2% HTTP 500 on each of 3 targets)',
      'sent',
      'req/s',
      'cancelled',
      'ok',
      'success',
      'best possible',
      'of best',
      'failures',
    ],
    rows,
  ),
);
console.log(
  `\nSuccess = 200 with the whole answer / (sent - cancelled). Target: >= 99% of best in every row.` +
    `\n${((performance.now() - started) / 1000).toFixed(1)} s. Reproduce: npm run bench -- failover` +
    ` (BENCH_SECONDS=${SECONDS} BENCH_CLOSED_REQUESTS=${CLOSED_REQUESTS} BENCH_SEED=${SEED})`,
);
