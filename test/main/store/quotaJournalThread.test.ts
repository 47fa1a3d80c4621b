/**
 * The quota journal committed in the request log's thread (main/store/quotaJournalThread.ts):
 * as durable as on the engine's thread (an admission returns only once its entry is committed),
 * with one message and one commit per iteration of the event loop, and the snapshot save replacing what came before.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../app/limiter/journal.ts';
import { LIMITER_SNAPSHOT_VERSION } from '../../../app/limiter/snapshot.ts';
import { createLimiterGate, type LimiterGate } from '../../../main/engine/limiterGate.ts';
import type { LimiterStore } from '../../../app/limiter/store.ts';
import { sqliteLimiterStore } from '../../../main/store/limiterSnapshot.ts';
import { threadLimiterStore } from '../../../main/store/quotaJournalThread.ts';
import { RequestLogThread } from '../../../main/store/requestLogThread.ts';
import { databasePerTest, LOG_SETTINGS } from './scratchStore.ts';
import { T0 } from '../../app/limiter/fixtures.ts';
import { FROZEN_TIMERS, GROQ_K1, gateRequest, NEVER_ABORTED } from '../engine/gateFixtures.ts';

const scratch = databasePerTest('journal-thread');
let thread: RequestLogThread;
beforeEach(() => {
  thread = scratch.closeAfter(
    new RequestLogThread({ path: scratch.path, settings: () => LOG_SETTINGS, pruneIntervalMs: 0 }),
  );
});

const gateOn = (store: LimiterStore): LimiterGate =>
  createLimiterGate({ clock: () => T0, timers: FROZEN_TIMERS, store });
const journalRows = () =>
  (scratch.db.prepare('SELECT COUNT(*) AS n FROM quota_journal').get() as { n: number }).n;

describe('the quota journal in the log thread', () => {
  it('commits an admission before acquire returns it, one message for a turn of admissions', async () => {
    const calls: JournalEntry[][] = [];
    const journal = thread.journal.bind(thread);
    thread.journal = (entries) => {
      calls.push(entries);
      return journal(entries);
    };
    const gate = gateOn(threadLimiterStore(scratch.db, thread));
    gate.seed([GROQ_K1]);
    expect((await gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED)).ok).toBe(true);
    expect(journalRows()).toBe(1);
    const all = await Promise.all(
      Array.from({ length: 10 }, () => gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED)),
    );
    expect(all.every((a) => a.ok)).toBe(true);
    expect(journalRows()).toBe(11);
    expect(calls.map((c) => c.length)).toEqual([1, 10]);

    // No snapshot was saved (frozen timers): a gate reading the file counts all 11.
    const next = gateOn(sqliteLimiterStore(scratch.db));
    next.seed([GROQ_K1]);
    const rpd = next.view().pools[0]!.windows.find((w) => w.window === 'rpd')!;
    expect(rpd.limit - rpd.remaining).toBe(11);
  });

  it('admissions of one loop iteration share a message, though made in separate callbacks', async () => {
    // As requests on 50 sockets are: each socket's data is its own callback, each admission its
    // own microtask turn; one message (one structured clone, one commit) for them all.
    const calls: number[] = [];
    const journal = thread.journal.bind(thread);
    thread.journal = (entries) => {
      calls.push(entries.length);
      return journal(entries);
    };
    const gate = gateOn(threadLimiterStore(scratch.db, thread));
    gate.seed([GROQ_K1]);
    const all = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<boolean>((resolve) =>
            setImmediate(
              () =>
                void gate
                  .acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED)
                  .then((a) => resolve(a.ok)),
            ),
          ),
      ),
    );
    expect(all.every(Boolean)).toBe(true);
    expect(journalRows()).toBe(10);
    expect(calls).toEqual([10]);
  });

  it('entries made while a message waits for its ack go together in the next one', async () => {
    // Group commit: under load the thread is still committing the last batch when the next loop
    // iteration's admissions arrive; a message (and a commit, and a wake-up of each thread) per
    // iteration cost more than the commit itself.
    const calls: number[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const journal = thread.journal.bind(thread);
    thread.journal = (entries) => {
      calls.push(entries.length);
      const committed = journal(entries);
      return held.then(() => committed);
    };
    const store = threadLimiterStore(scratch.db, thread);
    const take = (at: number): JournalEntry => ({
      kind: 'take',
      pool: 'groq',
      at,
      amounts: [['rpm', 1]],
    });
    const nextIteration = () => new Promise<void>((resolve) => setImmediate(resolve));
    store.append!(take(1));
    const first = store.committed!();
    await nextIteration();
    for (const at of [2, 3, 4]) {
      store.append!(take(at));
      await nextIteration();
    }
    const rest = store.committed!();
    expect(calls).toEqual([1]);
    release();
    await first;
    await rest;
    expect(calls).toEqual([1, 3]);
    expect(journalRows()).toBe(4);
  });

  it('a snapshot save replaces the journal, and entries of its turn are covered, not written', async () => {
    const store = threadLimiterStore(scratch.db, thread);
    const take = (at: number): JournalEntry => ({
      kind: 'take',
      pool: 'groq',
      at,
      amounts: [['rpm', 1]],
    });
    store.append!(take(1));
    await store.committed!();
    expect(journalRows()).toBe(1);
    store.append!(take(2));
    store.save({ version: LIMITER_SNAPSHOT_VERSION, savedAt: T0, pools: {} }, [take(3)]);
    await store.committed!();
    expect(
      (scratch.db.prepare('SELECT entry FROM quota_journal').all() as { entry: string }[]).map(
        (r) => (JSON.parse(r.entry) as { at: number }).at,
      ),
    ).toEqual([3]);
    expect(store.load()).toMatchObject({ savedAt: T0 });
  });
});
