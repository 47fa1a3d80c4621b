// npm run bench -- logThreads: what the request log costs per request in each thread, apart from
// the proxy: BENCH_REQUESTS finished requests (100,000 by default) recorded through the engine's
// RequestLogThread in the engine's batches, on a fresh log, after a warm-up of 20,000; the CPU
// the kernel counted per thread (/proc/self/task/*/schedstat) divided by the requests. Steadier
// than profileEngine's "WorkerThread" figure, which shares its cores with a proxy under load.
// Two traffic shapes: one target (the proxy bench's), and a mix (four targets, a failed first
// attempt in one request of seven). BENCH_RUNS runs each (3), medians.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';
import { requestId } from '../../main/proxy/requestId.ts';
import { openDatabase } from '../../main/store/database.ts';
import { RequestLogThread } from '../../main/store/requestLogThread.ts';
import { median } from './stats.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARM_UP = 20_000;
/** The engine's batch (RequestLogThread's default): sent when full, as under load. */
const BATCH = 500;

type Shape = { name: string; make: (i: number, at: number) => [RequestRecord, AttemptRecord[]] };

const TARGETS = [
  { provider: 'groq', model: 'llama-3.1-8b-instant', keyId: 'groq-1' },
  { provider: 'groq', model: 'llama-3.1-8b-instant', keyId: 'groq-2' },
  { provider: 'gemini', model: 'gemini-2.5-flash', keyId: 'gemini-1' },
  { provider: 'openai', model: 'gpt-4.1-mini', keyId: 'openai-1' },
];

function answered(
  at: number,
  target: (typeof TARGETS)[number],
  index: number,
  costUsd: number | null,
): AttemptRecord {
  return {
    index,
    startedAt: at,
    ...target,
    status: 200,
    outcome: 'ok',
    failureClass: null,
    reason: null,
    headersMs: 180,
    firstTokenMs: null,
    totalMs: 420,
    tokensIn: 120,
    tokensOut: 40,
    costUsd,
    hedged: false,
    holdUntil: null,
  };
}

function requestOf(at: number, last: AttemptRecord, attempts: number): RequestRecord {
  return {
    id: requestId(at),
    startedAt: at,
    kind: 'chat',
    inboundFormat: 'openai',
    requestedModel: 'fast',
    route: 'fast',
    provider: last.provider,
    keyId: last.keyId,
    model: last.model,
    status: 200,
    failureClass: null,
    error: null,
    headersMs: 181,
    firstTokenMs: null,
    totalMs: 422 + (attempts - 1) * 50,
    tokensIn: last.tokensIn,
    tokensOut: last.tokensOut,
    costUsd: last.costUsd,
    streamed: false,
    hedged: false,
    clientAborted: false,
  };
}

const SHAPES: Shape[] = [
  {
    name: 'one target, one attempt',
    make: (_i, at) => {
      const attempt = answered(at, TARGETS[0]!, 0, null);
      return [requestOf(at, attempt, 1), [attempt]];
    },
  },
  {
    name: 'four targets mixed, 1 in 7 retried',
    make: (i, at) => {
      const target = TARGETS[(i * 7919) % TARGETS.length]!;
      const cost = target.provider === 'openai' ? 0.0004 : null;
      if (i % 7 !== 0) {
        const attempt = answered(at, target, 0, cost);
        return [requestOf(at, attempt, 1), [attempt]];
      }
      const failed: AttemptRecord = {
        ...answered(at, TARGETS[0]!, 0, null),
        status: 429,
        outcome: 'failed',
        failureClass: 'transient',
        reason: 'groq is rate-limited for 2 s',
        totalMs: 50,
        tokensIn: null,
        tokensOut: null,
        holdUntil: at + 2000,
      };
      const attempt = answered(at + 50, TARGETS[3]!, 1, 0.0004);
      return [requestOf(at, attempt, 2), [failed, attempt]];
    },
  },
];

/** CPU ms so far of this process's threads: the main one, the log's (in start order), the rest. */
async function threadCpu(): Promise<{ main: number; log: number[]; gc: number }> {
  const threads: { tid: number; name: string; ms: number }[] = [];
  for (const tid of await readdir('/proc/self/task')) {
    const read = (file: string) => readFile(`/proc/self/task/${tid}/${file}`, 'utf8');
    const [stat, name] = await Promise.all([read('schedstat'), read('comm')]).catch(() => ['', '']);
    if (stat === '') continue;
    threads.push({ tid: Number(tid), name: name.trim(), ms: Number(stat.split(' ')[0]) / 1e6 });
  }
  return {
    main: threads.find((t) => t.tid === process.pid)?.ms ?? 0,
    // Node names every worker thread so; the writer is the only one here (it checkpoints too).
    log: threads
      .filter((t) => t.name === 'WorkerThread')
      .sort((a, b) => a.tid - b.tid)
      .map((t) => t.ms),
    gc: threads.filter((t) => t.name === 'V8Worker').reduce((sum, t) => sum + t.ms, 0),
  };
}

async function run(shape: Shape): Promise<{ main: number; writer: number; gc: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-threads-'));
  const path = join(dir, 'switchyard.db');
  openDatabase(path).close();
  const log = new RequestLogThread({
    path,
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 100_000 }),
    pruneIntervalMs: 0,
    maxBatch: BATCH,
    maxPending: 10 * BATCH,
  });
  let at = Date.now();
  const settled = async () => {
    while (log.stats().pending > 0) await new Promise((resolve) => setTimeout(resolve, 2));
  };
  const send = async (count: number) => {
    for (let i = 0; i < count; i++) {
      at += 0.2; // 5,000 requests/s of arrival times
      const [request, attempts] = shape.make(i, Math.floor(at));
      log.record(request, attempts);
      // A turn of the event loop per batch, as requests arrive; never more than a few batches behind.
      if (i % BATCH === BATCH - 1) await new Promise((resolve) => setImmediate(resolve));
      if (i % (4 * BATCH) === 4 * BATCH - 1) await settled();
    }
    log.flush();
    await settled();
  };
  try {
    await send(WARM_UP);
    const before = await threadCpu();
    await send(REQUESTS);
    const after = await threadCpu();
    const us = (from: number, to: number) => (1000 * (to - from)) / REQUESTS;
    if (log.stats().dropped > 0) throw new Error(`${log.stats().dropped} requests dropped`);
    return {
      main: us(before.main, after.main),
      writer: us(before.log[0] ?? 0, after.log[0] ?? 0),
      gc: us(before.gc, after.gc),
    };
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(
    `\nRequest log threads: CPU µs per request, ${REQUESTS.toLocaleString('en')} requests in batches of ${BATCH} after ${WARM_UP.toLocaleString('en')}, median of ${RUNS} runs.`,
  );
  console.log('Reproduce: npm run bench -- logThreads   (BENCH_REQUESTS, BENCH_RUNS)\n');
  console.log(
    '| traffic | main thread (making records, record, encode, post) | writer (with its WAL checkpoints) | GC helpers |\n|---|---|---|---|',
  );
  for (const shape of SHAPES) {
    const runs: Awaited<ReturnType<typeof run>>[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(shape));
    const m = (pick: (r: (typeof runs)[number]) => number) => median(runs.map(pick)).toFixed(2);
    console.log(
      `| ${shape.name} | ${m((r) => r.main)} | ${m((r) => r.writer)} | ${m((r) => r.gc)} |`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
