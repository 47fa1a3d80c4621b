// npm run bench -- quotaJournal: what the quota journal's durability costs an admission
// (quotaJournalFile.ts: the entry written to the journal file by the engine's thread at
// setImmediate, the admission awaiting that write), alone and while the log's thread writes
// log batches and commits the snapshot saves.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIMITER_SNAPSHOT_VERSION } from '../../app/limiter/snapshot.ts';
import type { LimiterStore } from '../../app/limiter/store.ts';
import { openDatabase } from '../../main/store/database.ts';
import { sqliteLimiterSnapshots } from '../../main/store/limiterSnapshot.ts';
import { journalFileStore } from '../../main/store/quotaJournalFile.ts';
import { RequestLogThread } from '../../main/store/requestLogThread.ts';
import { attempt, request } from '../main/store/records.ts';

const N = Number(process.env.BENCH_COUNT ?? 2000);

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const row = (what: string, samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return `| ${what} | ${(pct(s, 50) * 1000).toFixed(0)} | ${(pct(s, 99) * 1000).toFixed(0)} | ${((s.at(-1) ?? NaN) * 1000).toFixed(0)} |`;
};

async function admissions(store: LimiterStore): Promise<number[]> {
  store.load();
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    store.append?.({ kind: 'take', pool: 'groq', at: i, amounts: [['rpm', 1]] });
    // One at a time, as one client's requests are: nothing else is in flight.
    await store.committed?.(true);
    samples.push(performance.now() - t);
    // A snapshot save (each second in the engine) switches segments and deletes the folded one.
    if (i % 500 === 499)
      await store.save({ version: LIMITER_SNAPSHOT_VERSION, savedAt: i, pools: {} });
  }
  return samples;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-journal-'));
  const path = join(dir, 'switchyard.db');
  const db = openDatabase(path);
  const thread = new RequestLogThread({
    path,
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 100_000 }),
    pruneIntervalMs: 0,
    flushIntervalMs: 5,
  });
  const local = sqliteLimiterSnapshots(db);
  const storeOf = () =>
    journalFileStore(dir, {
      load: local.load,
      save: (snapshot, carried, folded) => thread.saveSnapshot(snapshot, [...carried], folded),
    });
  const alone = await admissions(storeOf());
  // The log's thread busy: 50 log rows every 5 ms (10,000 requests/s) while admissions go on.
  let n = 0;
  const traffic = setInterval(() => {
    for (let i = 0; i < 50; i++, n++)
      thread.record(request(`r${n}`, Date.now()), [attempt(Date.now())]);
  }, 5);
  const busy = await admissions(storeOf());
  clearInterval(traffic);
  await thread.close();
  db.close();
  await rm(dir, { recursive: true, force: true });

  console.log(`\nQuota journal: ${N} admissions, each awaited before the next (one write each).`);
  console.log('Reproduce: npm run bench -- quotaJournal   (BENCH_COUNT to change the size)\n');
  console.log('| what | p50 µs | p99 µs | max µs |\n|---|---|---|---|');
  console.log(row("journal file, written by the engine's thread", alone));
  console.log(row("the same while the log's thread writes 10,000 rows/s", busy));
  console.log(
    "\nEach figure is one admission's wait for its write (setImmediate and one writeSync); the log's thread never holds it.",
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
