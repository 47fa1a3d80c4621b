/**
 * Stored Responses answers (main/store/storedResponses.ts, responseStoreThread.ts): kept by the
 * request log's writing thread, never on the proxy's, yet found by a read that follows at once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { RequestLogThread } from '../../../main/store/requestLogThread.ts';
import { threadResponseStore } from '../../../main/store/responseStoreThread.ts';
import { sqliteResponses, storedText } from '../../../main/store/storedResponses.ts';

let dir: string;
let path: string;
let db: DatabaseSync;
let now: number;
let threads: RequestLogThread[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-stored-'));
  path = join(dir, 'switchyard.db');
  db = openDatabase(path);
  now = 1_000_000;
  threads = [];
});
afterEach(async () => {
  for (const thread of threads) await thread.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const stored = (id: string) => ({
  response: { id, object: 'response' },
  conversation: [{ role: 'user', content: id }],
});
/** The same answer as the writing thread is sent it: JSON text. */
const saved = (id: string) => storedText(stored(id));
const rows = () =>
  (db.prepare('SELECT id FROM stored_responses ORDER BY id').all() as Array<{ id: string }>).map(
    (r) => r.id,
  );

function thread(flushIntervalMs: number): RequestLogThread {
  const started = new RequestLogThread({
    path,
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 512 }),
    now: () => now,
    pruneIntervalMs: 0,
    flushIntervalMs,
  });
  threads.push(started);
  return started;
}

describe('stored Responses answers, kept by the log thread', () => {
  it('a save returns at once and is found at once, though the thread commits it later', async () => {
    const log = thread(60_000);
    const store = threadResponseStore(log);
    store.save('resp_a', stored('resp_a'));
    expect(rows()).toEqual([]);
    expect(await store.get('resp_a')).toEqual(stored('resp_a'));
    log.flush();
    await expect.poll(rows).toEqual(['resp_a']);
    expect(await store.get('resp_a')).toEqual(stored('resp_a'));
  });

  it('never waits for the write lock: a save while another connection holds it', async () => {
    const log = thread(10);
    const store = threadResponseStore(log);
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    store.save('resp_locked', stored('resp_locked'));
    expect(await store.get('resp_locked')).toEqual(stored('resp_locked'));
    other.exec('COMMIT');
    other.close();
    await expect.poll(rows).toEqual(['resp_locked']);
  });

  it('deletes after the saves queued before it, and says whether there was one', async () => {
    const store = threadResponseStore(thread(60_000));
    store.save('resp_a', stored('resp_a'));
    expect(await store.delete('resp_a')).toBe(true);
    expect(await store.get('resp_a')).toBeUndefined();
    expect(rows()).toEqual([]);
    expect(await store.delete('resp_a')).toBe(false);
  });
});

describe('stored Responses answers in SQLite', () => {
  it('keeps at most the newest maxCount', () => {
    const responses = sqliteResponses(db, { maxCount: 2, maxAgeMs: 1000 });
    responses.saveAll(
      ['a', 'b', 'c'].map((id, i) => ({ id, ...saved(id), at: now + i })),
      now + 2,
    );
    expect(rows()).toEqual(['b', 'c']);
  });

  it('among answers kept at the same time, drops the earliest saved; a re-save counts as new', () => {
    const responses = sqliteResponses(db, { maxCount: 2, maxAgeMs: 1000 });
    responses.saveAll(
      ['a', 'b', 'a', 'c'].map((id) => ({ id, ...saved(id), at: now })),
      now,
    );
    expect(rows()).toEqual(['a', 'c']);
  });

  it('forgets answers older than maxAgeMs, on read and on the next save', () => {
    const responses = sqliteResponses(db, { maxCount: 10, maxAgeMs: 1000 });
    responses.saveAll([{ id: 'old', ...saved('old'), at: now }], now);
    now += 1001;
    expect(responses.get('old', now)).toBeUndefined();
    responses.saveAll([{ id: 'new', ...saved('new'), at: now }], now);
    expect(rows()).toEqual(['new']);
  });
});
