/**
 * Node flags the engine runs with, wherever it is started (the `switchyard` bin's shebang, `npm
 * start`, the tests that spawn it). V8's young generation otherwise grows to 3 × 32 MB semi-spaces
 * under a proxy's allocation rate and never gives the memory back: in the 60 s soak, RSS stepped
 * from 228 to 278 MB with the default and stayed flat at 186 MB with 16 MB semi-spaces, at the
 * same request rate (`npx vitest run test/faults/soak.test.ts`, NODE_OPTIONS varied). 8 MB
 * semi-spaces cost no throughput against 16 and hold ~15 MB less: after 200,000 requests at 50
 * connections, 201.7 and 203.2 MB against 214.7 and 221.3, at 8,504 and 9,244 req/s (133 and 128
 * CPU microseconds per request) against 8,276 and 8,055 (137 and 145); interleaved runs of the bundled bin.
 * 4 MB semi-spaces would cost 3.6 µs per request more in scavenge pauses (7.2 -> 10.8, medians of
 * three interleaved `profileEngine.ts 5` runs with PROFILE_NODE_FLAGS). The flag binds every
 * isolate of the process, worker threads too: a Worker's `resourceLimits.maxYoungGenerationSizeMb`
 * is ignored while it is set (a 3 MB limit still grew new space to 16 MB); the log's threads get
 * theirs through store/threadHeap.ts, which clears the flag once the main heap is sized. What the
 * young generation keeps once the load is over is given back by engine/quietHeapRelease.ts.
 * The old generation otherwise grows to about 4× what survives a full collection (23 MB live,
 * 100 MB committed); growing it by 25 % at a time, 100,000 requests at 50 connections left RSS
 * at 233 and 235 MB instead of 312 and 298, at 3,128 and 3,288 req/s against 3,228 and 2,970
 * (interleaved runs, the bundled bin against test/bench/upstreamServer.ts). At these heap sizes
 * V8 sets the next full collection at what survived plus 8 MB whatever the percentage, so each
 * isolate's old generation (the proxy's, the log writer's) runs up to 8 MB above its live data.
 * --memory-saver-mode makes that step 2 MB (200,000 requests: 125.7 against 175.4 MB after) but
 * cost 150-167 CPU µs per request against 91-120 (V8's helper threads 32-40 against 5-9;
 * `profileEngine.ts 5` with PROFILE_NODE_FLAGS), and V8 reads it for every isolate at once, so
 * the log's threads cannot have it alone.
 */
export const ENGINE_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=8',
  '--heap-growing-percent=25',
];

/**
 * Environment the engine starts with, beside its flags (on the shebang too). glibc gives each
 * thread that mallocs its own arena, up to 8 per core, and returns little of them: the engine's
 * threads (proxy, log writer and reader, WAL checkpoints, libuv's pool, V8's helpers) kept ~20 MB
 * more than two arenas hold. 100,000 requests at 50 connections: RSS after 243 -> 222 MB at
 * 5,484 vs 5,395 req/s. glibc also raises its mmap threshold with every large block freed, after
 * which large blocks come from the arenas and, freed, stay there: with both thresholds fixed at
 * 128 KB, 60,000 requests at 50 connections left RSS at 189 instead of 208 MB (medians of three
 * pairs run side by side, same CPU µs per request), and 100 s later, the log's writing thread
 * stopped, 152 instead of 174. Other C libraries ignore them. A 32 KB threshold would also send
 * V8's compiler zones (32 KB blocks, on its helper threads) to mmap, and RSS after 200,000
 * requests fell 155.4 -> 145.0 MB (medians of six interleaved runs), but every request body of
 * 32-128 KB would then be mmapped and unmapped too: with 52 KB chat bodies
 * (PROFILE_BODY=chat:20) the main thread took 9-13 % more CPU per request in three pairs.
 */
export const ENGINE_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};
