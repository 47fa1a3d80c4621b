// npm run bench -- quotaJournal: what the quota journal's durability costs an admission. On the
// engine's thread (limiterSnapshot.ts: a synchronous commit per turn of the event loop), alone and
// while another connection writes in short transactions (as the log's thread does: the commit
// then waits, blocking the thread, for SQLite's write lock); and in the log's thread
// (quotaJournalThread.ts, what the engine uses: the admission awaits the thread's ack), alone and
// while that thread writes log batches.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LIMITER_SNAPSHOT_VERSION } from '../../app/limiter/snapshot.ts';
import { openDatabase } from '../../main/store/database.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import { sqliteLimiterStore } from '../../main/store/limiterSnapshot.ts';
import { threadLimiterStore } from '../../main/store/quotaJournalThread.ts';
import { RequestLogThread } from '../../main/store/requestLogThread.ts';
import { attempt, request } from '../main/store/records.ts';

const N = Number(process.env.BENCH_COUNT ?? 2000);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const row = (what: string, samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return `| ${what} | ${(pct(s, 50) * 1000).toFixed(0)} | ${(pct(s, 99) * 1000).toFixed(0)} | ${((s.at(-1) ?? NaN) * 1000).toFixed(0)} |`;
};

let failures = 0;

async function admissions(store: LimiterStore): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    try {
      store.append?.({ kind: 'take', pool: 'groq', at: i, amounts: [['rpm', 1]] });
      await store.committed?.();
    } catch {
      // "database is locked": the gate reports it and admits anyway, without durability.
      failures++;
    }
    samples.push(performance.now() - t);
    // Keeps the journal short, as the snapshot save each second does.
    if (i % 500 === 499) store.save({ version: LIMITER_SNAPSHOT_VERSION, savedAt: i, pools: {} });
  }
  return samples;
}

// A second connection writing short transactions back to back, as the log's thread does.
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.path, { timeout: 2000 });
db.exec('CREATE TABLE IF NOT EXISTS filler (x BLOB)');
const insert = db.prepare('INSERT INTO filler VALUES (?)');
let stop = false;
parentPort.on('message', () => { stop = true; });
const blob = Buffer.alloc(400);
(function step() {
  if (stop) { db.close(); parentPort.postMessage('done'); return; }
  db.exec('BEGIN IMMEDIATE');
  for (let i = 0; i < 100; i++) insert.run(blob);
  db.exec('DELETE FROM filler WHERE rowid IN (SELECT rowid FROM filler ORDER BY rowid LIMIT 100)');
  db.exec('COMMIT');
  setImmediate(step);
})();
`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-journal-'));
  const path = join(dir, 'switchyard.db');
  const db = openDatabase(path);
  const store = sqliteLimiterStore(db);
  const alone = await admissions(store);

  const writer = new Worker(WRITER, { eval: true, workerData: { path } });
  await new Promise((r) => setTimeout(r, 200));
  const contended = await admissions(store);
  writer.postMessage('stop');
  await new Promise((r) => writer.once('message', r));
  await writer.terminate();

  const contendedFailures = failures;
  const thread = new RequestLogThread({
    path,
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 100_000 }),
    pruneIntervalMs: 0,
    flushIntervalMs: 5,
  });
  const threaded = await admissions(threadLimiterStore(db, thread));
  // The log's thread busy: 50 log rows every 5 ms (10,000 requests/s) while admissions go on.
  let n = 0;
  const traffic = setInterval(() => {
    for (let i = 0; i < 50; i++, n++)
      thread.record(request(`r${n}`, Date.now()), [attempt(Date.now())]);
  }, 5);
  const threadedBusy = await admissions(threadLimiterStore(db, thread));
  clearInterval(traffic);
  await thread.close();
  db.close();
  await rm(dir, { recursive: true, force: true });

  console.log(`\nQuota journal: ${N} admissions, each awaited before the next (one commit each).`);
  console.log('Reproduce: npm run bench -- quotaJournal   (BENCH_COUNT to change the size)\n');
  console.log('| what | p50 µs | p99 µs | max µs |\n|---|---|---|---|');
  console.log(row('on the engine thread, alone', alone));
  console.log(
    row(
      `on the engine thread, another connection writing (${contendedFailures} failed: database is locked)`,
      contended,
    ),
  );
  console.log(row("in the log's thread (the engine's way), alone", threaded));
  console.log(row("in the log's thread, which writes 10,000 log rows/s meanwhile", threadedBusy));
  console.log(
    "\nOn the engine thread every microsecond above is the proxy's thread blocked; in the log's thread it is one admission waiting while the proxy's thread serves others.",
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
