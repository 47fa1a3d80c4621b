/**
 * The quota journal (main/store/limiterSnapshot.ts with app/limiter/journal.ts): counts are as
 * durable as the requests they count. A gate that is dropped without saving (a crash: its
 * one-second snapshot timer never fires) leaves a journal from which the next gate on the same
 * database counts every admitted request. The real `kill -9` is test/main/cli/crashDurability.
 */
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLimiterGate, type LimiterGate } from '../../../main/engine/limiterGate.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { sqliteLimiterStore } from '../../../main/store/limiterSnapshot.ts';
import { T0 } from '../../app/limiter/fixtures.ts';
import {
  attemptInfo,
  FROZEN_TIMERS,
  GROQ_K1,
  gateRequest,
  NEVER_ABORTED,
} from '../engine/gateFixtures.ts';

const released = (status: number) =>
  attemptInfo({ model: 'llama-3.1-8b-instant', status, outcome: status === 200 ? 'ok' : 'failed' });

let db: DatabaseSync;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => {
  db.close();
});

function gateOn(database: DatabaseSync): LimiterGate {
  return createLimiterGate({
    clock: () => T0,
    timers: FROZEN_TIMERS,
    store: sqliteLimiterStore(database),
  });
}

const spent = (gate: LimiterGate, window: string) => {
  const w = gate.view().pools[0]?.windows.find((x) => x.window === window);
  return w === undefined ? undefined : w.limit - w.remaining;
};
const journalRows = () =>
  (db.prepare('SELECT COUNT(*) AS n FROM quota_journal').get() as { n: number }).n;

describe('quota journal', () => {
  it('an admission is committed before acquire returns it', async () => {
    const gate = gateOn(db);
    gate.seed([GROQ_K1]);
    const admission = await gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    expect(admission.ok).toBe(true);
    expect(journalRows()).toBe(1);
  });

  it('admissions of one turn of the event loop share one commit', async () => {
    const gate = gateOn(db);
    gate.seed([GROQ_K1]);
    let commits = 0;
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === 'COMMIT') commits++;
      exec(sql);
    };
    const all = await Promise.all(
      Array.from({ length: 10 }, () => gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED)),
    );
    db.exec = exec;
    expect(all.every((a) => a.ok)).toBe(true);
    expect(journalRows()).toBe(10);
    expect(commits).toBe(1);
  });

  it('a gate that dies without saving loses no count: the next one replays the journal', async () => {
    const first = gateOn(db);
    first.seed([GROQ_K1]);
    for (let i = 0; i < 5; i++) await first.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    // No stop(), no snapshot: the process is gone.
    const second = gateOn(db);
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(5);
    expect(spent(second, 'rpm')).toBe(5);
  });

  it('settlements are journalled too: a refusal the provider did not count is refunded', async () => {
    const first = gateOn(db);
    first.seed([GROQ_K1]);
    const ok = await first.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    const refused = await first.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    if (!ok.ok || !refused.ok) throw new Error('not admitted');
    ok.release(released(200));
    refused.release(released(429));
    await Promise.resolve();
    const second = gateOn(db);
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(1);
  });

  it('a pool first seen after the snapshot is counted once it is seeded again', async () => {
    const first = gateOn(db);
    // Never seeded: the pool is made by the admission itself (a direct provider/model request).
    for (let i = 0; i < 3; i++) await first.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    const second = gateOn(db);
    expect(second.view().pools).toHaveLength(0);
    // Saving before the pool is seeded keeps its entries for later.
    second.stop();
    const third = gateOn(db);
    await third.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    expect(spent(third, 'rpd')).toBe(4);
  });

  it('a snapshot save empties the journal', async () => {
    const gate = gateOn(db);
    gate.seed([GROQ_K1]);
    for (let i = 0; i < 3; i++) await gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    expect(journalRows()).toBe(3);
    gate.stop();
    expect(journalRows()).toBe(0);
    const again = gateOn(db);
    again.seed([GROQ_K1]);
    expect(spent(again, 'rpd')).toBe(3);
  });

  it('a damaged journal row costs only itself', async () => {
    const gate = gateOn(db);
    gate.seed([GROQ_K1]);
    for (let i = 0; i < 2; i++) await gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    db.prepare('INSERT INTO quota_journal (entry) VALUES (?)').run('{"kind":"take","pool":');
    db.prepare('INSERT INTO quota_journal (entry) VALUES (?)').run('{"kind":"nonsense"}');
    const again = gateOn(db);
    again.seed([GROQ_K1]);
    expect(spent(again, 'rpd')).toBe(2);
  });
});
