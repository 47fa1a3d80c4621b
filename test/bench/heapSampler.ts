// Preloaded into a profiled process (`--import`): V8's sampling heap profiler, started on SIGUSR2
// and written to HEAP_SAMPLER_PATH on the next SIGUSR2 (or at exit). Unlike --heap-prof, it keeps the
// samples of objects already collected, so the profile shows everything allocated in the window,
// not what happened to survive it.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { isMainThread } from 'node:worker_threads';

const path = process.env.HEAP_SAMPLER_PATH;
if (isMainThread && path) {
  const session = new Session();
  session.connect();
  // Node's types predate the two `include…` parameters V8 takes.
  const parameters = {
    samplingInterval: Number(process.env.HEAP_SAMPLER_INTERVAL ?? 4096),
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  };
  let sampling = false;
  const stop = () => {
    if (!sampling) return;
    sampling = false;
    // A session on this thread answers synchronously: the file is written before this returns.
    session.post('HeapProfiler.stopSampling', (err, result) => {
      if (!err) writeFileSync(path, JSON.stringify(result.profile));
    });
  };
  process.on('SIGUSR2', () => {
    if (sampling) return stop();
    sampling = true;
    session.post('HeapProfiler.startSampling', parameters);
  });
  process.on('exit', stop);
}
