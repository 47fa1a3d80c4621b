/**
 * The writer's WAL is checkpointed by the writing thread between its commits
 * (main/store/walCheckpoints.ts), not by SQLite inside a commit, and not by a thread of its own
 * (an isolate of 11 MB).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { RequestLogThread } from '../../../main/store/requestLogThread.ts';
import { request } from './records.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const MB = 1024 * 1024;
let dir: string;
let path: string;
let threads: RequestLogThread[];
let retentionMaxMb: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-wal-'));
  path = join(dir, 'switchyard.db');
  openDatabase(path).close();
  threads = [];
  retentionMaxMb = 512;
});
afterEach(async () => {
  for (const thread of threads) await thread.close();
  await rm(dir, { recursive: true, force: true });
});

function start(): RequestLogThread {
  const thread = new RequestLogThread({
    path,
    settings: () => ({ logBodies: true, retentionDays: 30, retentionMaxMb }),
    now: () => NOW,
    pruneIntervalMs: 0,
    flushIntervalMs: 60_000,
  });
  threads.push(thread);
  return thread;
}

/** Worker threads running in this process (Node names each so). */
function workerThreads(): number {
  return readdirSync('/proc/self/task').filter((task) => {
    try {
      return readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() === 'WorkerThread';
    } catch {
      return false; // ended meanwhile
    }
  }).length;
}

/** Requests in the database file alone, as if the WAL were lost: what checkpoints have copied. */
async function checkpointedRequests(): Promise<number> {
  const copy = join(dir, `copy-${Math.random()}.db`);
  await copyFile(path, copy);
  const db = new DatabaseSync(copy, { readOnly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('WAL checkpoints of the log thread', () => {
  it('copies 2 MB of commits into the database file, not waiting for 1,000 pages (4 MB) of WAL', async () => {
    const log = start();
    const body = 'lorem ipsum '.repeat(400);
    for (let i = 0; i < 500; i++) log.record(request(`r${i}`, NOW, { requestBody: body }), []);
    log.flush();
    await expect.poll(() => log.stats().written).toBe(500);
    expect((await stat(`${path}-wal`)).size).toBeLessThan(4 * MB);
    await expect.poll(checkpointedRequests).toBe(500);
    expect(workerThreads()).toBe(1); // the writer, which checkpointed too
  });

  it('a retention pass keeps the WAL small and leaves the file within the cap', async () => {
    const log = start();
    const body = 'lorem ipsum '.repeat(400);
    for (let i = 0; i < 3000; i++)
      log.record(request(`r${i}`, NOW - (3000 - i) * 1000, { requestBody: body }), []);
    log.flush();
    await expect.poll(() => log.stats().written, { timeout: 20_000 }).toBe(3000);
    await expect.poll(async () => (await stat(path)).size).toBeGreaterThan(10 * MB);
    // The fill left a large WAL: the writer cuts it back when it starts it over after a
    // checkpoint, at its next commit.
    let extra = 0;
    await expect
      .poll(async () => {
        log.record(request(`extra${extra++}`, NOW - 5000), []);
        log.flush();
        return (await stat(`${path}-wal`)).size;
      })
      .toBeLessThanOrEqual(MB);
    let walPeak = 0;
    const watch = setInterval(
      () =>
        void stat(`${path}-wal`).then(
          (s) => (walPeak = Math.max(walPeak, s.size)),
          () => undefined,
        ),
      5,
    );
    retentionMaxMb = 2;
    expect(await log.prune()).toBeGreaterThan(0);
    clearInterval(watch);
    await expect
      .poll(async () => (await stat(path)).size, { timeout: 10_000 })
      .toBeLessThanOrEqual(2.02 * MB);
    expect(walPeak).toBeLessThan(6 * MB);
  });
});
