import { afterAll, expect, it } from 'vitest';
import { QuietHeapRelease, releaseHeap } from '../../../main/engine/quietHeapRelease.ts';
import { startScratchEngine, type ScratchEngine } from '../../harness/scratchEngine.ts';
import { manualTimers } from '../manualTimers.ts';

let scratch: ScratchEngine | undefined;
afterAll(() => scratch?.close());

it("an engine's requests start the quiet, and requests after the heap's release are served", async () => {
  const timers = manualTimers();
  let releases = 0;
  const heapRelease = new QuietHeapRelease({
    release: () => {
      releases++;
      releaseHeap();
    },
    afterStartMs: 500,
    afterTrafficMs: 10_000,
    timers,
  });
  scratch = await startScratchEngine({ name: 'quiet-heap', proxyKey: 'pk-quiet', heapRelease });
  const models = () =>
    fetch(`${scratch!.engine.proxyUrl}/models`, { headers: { authorization: 'Bearer pk-quiet' } });

  expect(timers.delays()).toEqual([500]);
  timers.fire(500);
  expect(releases).toBe(1);

  expect((await models()).status).toBe(200);
  expect((await scratch.adminJson('GET', '/admin/status')).status).toBe(200);
  await new Promise((resolve) => setImmediate(resolve)); // the response's 'close'
  expect(timers.delays()).toEqual([10_000]);
  timers.fire(10_000); // the second request came after the quiet began: it begins again
  expect(releases).toBe(1);
  timers.fire(10_000);
  expect(releases).toBe(2);

  expect((await models()).status).toBe(200);
  await new Promise((resolve) => setImmediate(resolve));
  await scratch.close();
  scratch = undefined;
  expect(timers.delays()).toEqual([]);
});
