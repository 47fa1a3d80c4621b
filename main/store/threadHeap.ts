import { setFlagsFromString } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';

let flagCleared = false;

/**
 * A worker thread's heap limits: a young generation of `youngMb` (a third of it each semi-space,
 * the rest for large objects). The engine runs with --max-semi-space-size (engineFlags.ts), which
 * V8 applies to every isolate over a Worker's own `resourceLimits`: each thread would grow 2 × 8 MB
 * of young generation as the proxy's thread does. The main isolate's heap was sized from the flag
 * when the process started and keeps that size; clearing the flag then lets each thread's limit
 * hold (checked by test/main/store/threadHeap.test.ts).
 */
export function threadHeap(youngMb: number): ResourceLimits {
  if (!flagCleared) {
    setFlagsFromString('--max-semi-space-size=0');
    flagCleared = true;
  }
  return { maxYoungGenerationSizeMb: youngMb };
}
