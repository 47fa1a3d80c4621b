// For the benches that weigh what a call allocates in-process (bodyDecode, limiter).
import { spawnSync } from 'node:child_process';

/** A collector to call, and a young generation no measured call fills, so none is collected inside. */
const HEAP_FLAGS = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64'];

/**
 * Runs this script again under {@link HEAP_FLAGS} unless it already runs under them, and exits
 * with that run's status: call it first, before the bench does any work.
 */
export function runUnderHeapFlags(): void {
  if (HEAP_FLAGS.every((flag) => process.execArgv.includes(flag))) return;
  const run = spawnSync(process.execPath, [...HEAP_FLAGS, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  process.exit(run.status ?? 1);
}
