import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const THREAD_HEAP = fileURLToPath(new URL('../../../main/store/threadHeap.ts', import.meta.url));

// A process with the engine's semi-space flag: one thread started with threadHeap's limits and one
// with the same limits alone, each filling its young generation with survivors; then the main
// thread does the same. Prints each one's new space in MB.
const PROGRAM = `
import { getHeapSpaceStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { threadHeap } from ${JSON.stringify(THREAD_HEAP)};
const churn = \`
  const { getHeapSpaceStatistics } = require('node:v8');
  let kept = [];
  for (let i = 0; i < 2e6; i++) { kept.push([i]); if (kept.length > 1e5) kept = []; }
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  require('node:worker_threads').parentPort.postMessage(space.space_size / 1048576);
\`;
const newSpaceOf = (resourceLimits) =>
  new Promise((resolve) => new Worker(churn, { eval: true, execArgv: [], resourceLimits }).once('message', resolve));
const alone = await newSpaceOf({ maxYoungGenerationSizeMb: 6 });
const limited = await newSpaceOf(threadHeap(6));
let kept = [];
for (let i = 0; i < 2e6; i++) { kept.push([i]); if (kept.length > 1e5) kept = []; }
const main = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;
console.log(JSON.stringify({ alone, limited, main }));
`;

it("keeps a thread's young generation to its limit under the engine's semi-space flag, and the main thread's as the flag sized it", () => {
  const run = spawnSync(
    process.execPath,
    ['--max-semi-space-size=8', '--input-type=module', '--eval', PROGRAM],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(run.stderr).toBe('');
  const sizes = JSON.parse(run.stdout) as { alone: number; limited: number; main: number };
  expect(sizes.alone).toBe(16); // the flag wins over the Worker's own limit
  expect(sizes.limited).toBeLessThanOrEqual(4);
  expect(sizes.main).toBe(16);
});
