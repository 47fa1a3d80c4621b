/**
 * The quota journal (main/store/quotaJournalFile.ts with app/limiter/journal.ts): counts are as
 * durable as the requests they count, and a crash at any point neither forgets a take nor counts
 * one twice. A gate that is dropped without saving (a crash: its one-second snapshot timer never
 * fires) leaves segments from which the next gate on the same folder counts every admitted
 * request. The real `kill -9` is test/main/cli/crashDurability.
 */
import fs from 'node:fs';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshot, type LimiterSnapshot } from '../../../app/limiter/snapshot.ts';
import { createLimiterGate, type LimiterGate } from '../../../main/engine/limiterGate.ts';
import { sqliteLimiterSnapshots } from '../../../main/store/limiterSnapshot.ts';
import {
  journalFileStore,
  type JournalFileStore,
  type SnapshotRow,
} from '../../../main/store/quotaJournalFile.ts';
import { JOURNAL_FOLDER, journalFolder } from '../../../main/store/quotaJournalSegments.ts';
import { RequestLogThread } from '../../../main/store/requestLogThread.ts';
import { LEASE_TAKES } from '../../../app/limiter/lease.ts';
import { GROQ_LOOSE, T0 } from '../../app/limiter/fixtures.ts';
import {
  attemptInfo,
  candidate,
  FROZEN_TIMERS,
  GROQ_K1,
  gateRequest,
  NEVER_ABORTED,
} from '../engine/gateFixtures.ts';
import { databasePerTest, LOG_SETTINGS } from './scratchStore.ts';

const scratch = databasePerTest('quota-journal');

/** An attempt's end; one that succeeded reports more tokens than the estimate, to be settled. */
const released = (status: number) =>
  attemptInfo({
    model: 'llama-3.1-8b-instant',
    status,
    outcome: status === 200 ? 'ok' : 'failed',
    ...(status === 200 ? { usage: { tokensIn: 50, tokensOut: 20 } } : {}),
  });

/** The store a restart makes: the snapshot row read and saved on the test's connection. */
function storeOn(row: SnapshotRow = sqliteLimiterSnapshots(scratch.db)): JournalFileStore {
  return scratch.closeAfter(journalFileStore(scratch.dir, row));
}

/**
 * No leases in the file mechanics' cases: every take writes its own entry, so a replayed count is
 * exactly what was admitted and a count taken twice shows. Leases have cases of their own below.
 */
const EXACT = { leaseTakes: 0 };

function gateOn(store: JournalFileStore = storeOn(), lease = EXACT): LimiterGate {
  return createLimiterGate({ clock: () => T0, timers: FROZEN_TIMERS, store, ...lease });
}

/** A gate whose journal folder does not exist, with the errors it reports. */
function unwritableGate(lease: { leaseTakes: number }) {
  const errors: unknown[] = [];
  const gate = createLimiterGate({
    clock: () => T0,
    timers: FROZEN_TIMERS,
    store: scratch.closeAfter(
      journalFileStore(join(scratch.dir, 'gone'), sqliteLimiterSnapshots(scratch.db)),
    ),
    onError: (error) => errors.push(error),
    ...lease,
  });
  return { gate, errors };
}

/** A gate whose snapshot save runs when the test says (`saveNow`), on this row. */
function savingGate(row: SnapshotRow) {
  const due: Array<() => void> = [];
  const gate = createLimiterGate({
    clock: () => T0,
    timers: { setTimeout: (fire) => due.push(fire), clearTimeout: () => undefined },
    store: storeOn(row),
    ...EXACT,
  });
  gate.seed([GROQ_K1]);
  return { gate, saveNow: () => due.splice(0).forEach((fire) => fire()) };
}

const admit = async (gate: LimiterGate, n: number, target = GROQ_K1) => {
  for (let i = 0; i < n; i++) {
    const admission = await gate.acquire(target, gateRequest(), 0, NEVER_ABORTED);
    if (!admission.ok) throw new Error(admission.reason);
  }
};
const spent = (gate: LimiterGate, window = 'rpd', target = GROQ_K1) => {
  const pool = gate.view().pools.find((p) => p.keyId === target.keyId);
  const w = pool?.windows.find((x) => x.window === window);
  return w === undefined ? undefined : w.limit - w.remaining;
};
const segments = async () =>
  (await readdir(scratch.dir)).filter((name) => name.startsWith('quota-journal-')).sort();
const lines = async (name: string) =>
  (await readFile(join(scratch.dir, name), 'utf8')).split('\n').filter(Boolean).length;
/** The lines written so far, read without yielding to the event loop. */
const linesNow = (name: string) => {
  const path = join(scratch.dir, name);
  return fs.existsSync(path) ? fs.readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;
};
const folded = () =>
  (
    scratch.db.prepare('SELECT folded_segment AS n FROM limiter_snapshot').get() as
      { n: number } | undefined
  )?.n;
const legacyRows = () =>
  (scratch.db.prepare('SELECT COUNT(*) AS n FROM quota_journal').get() as { n: number }).n;

/** Counts fs.writeSync calls while `work` runs (the store imports it by name). */
async function countingWrites<T>(work: () => Promise<T>): Promise<{ writes: number; value: T }> {
  const original = fs.writeSync;
  let writes = 0;
  fs.writeSync = ((...args: Parameters<typeof fs.writeSync>) => {
    writes++;
    return (original as (...a: Parameters<typeof fs.writeSync>) => number)(...args);
  }) as typeof fs.writeSync;
  syncBuiltinESMExports();
  try {
    const value = await work();
    return { writes, value };
  } finally {
    fs.writeSync = original;
    syncBuiltinESMExports();
  }
}

/** A second key whose limits leave room for a lease in every window. */
const LOOSE_K2 = candidate(GROQ_LOOSE, 'llama-3.1-8b-instant', 'k2');
const LEASED = { leaseTakes: LEASE_TAKES };

/** `n` admissions, each asked from its own callback, as requests on separate sockets are. */
const inSeparateCallbacks = (gate: LimiterGate, n: number) =>
  Promise.all(
    Array.from(
      { length: n },
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

describe('quota journal', () => {
  it('an admission is written to the journal file before acquire returns it', async () => {
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    await admit(gate, 1);
    expect(await segments()).toEqual(['quota-journal-1.jsonl']);
    expect(await lines('quota-journal-1.jsonl')).toBe(1);
  });

  it('a request alone is written as it is admitted, not a loop iteration later', async () => {
    // One client, one request at a time: no other admission can join the write, so waiting for
    // the loop's check phase would only delay the upstream call.
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    const first = gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    expect(linesNow('quota-journal-1.jsonl')).toBe(1);
    const admitted = await first;
    if (!admitted.ok) throw new Error(admitted.reason);
    admitted.release(released(200));
    // The next request, once the first is answered: its take and the settlement in one write.
    const counted = await countingWrites(async () => {
      const next = gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
      expect(linesNow('quota-journal-1.jsonl')).toBe(3);
      return next;
    });
    expect(counted.value.ok).toBe(true);
    expect(counted.writes).toBe(1);
  });

  it('admissions of one loop iteration share one write, though made in separate callbacks', async () => {
    // As requests on 50 sockets are: each socket's data is its own callback, and others are in
    // flight (one is held here), so the admissions wait for the iteration's end to share a write.
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    await admit(gate, 1);
    const counted = await countingWrites(() => inSeparateCallbacks(gate, 10));
    expect(counted.value.every(Boolean)).toBe(true);
    expect(counted.writes).toBe(1);
    expect(await lines('quota-journal-1.jsonl')).toBe(11);
  });

  it('a burst that finds nothing in flight costs two writes: the first admission, then the rest', async () => {
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    const counted = await countingWrites(() => inSeparateCallbacks(gate, 10));
    expect(counted.value.every(Boolean)).toBe(true);
    expect(counted.writes).toBe(2);
    expect(await lines('quota-journal-1.jsonl')).toBe(10);
  });

  it('the journal files are the user’s alone (0600)', async () => {
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    await admit(gate, 1);
    const mode = (await stat(join(scratch.dir, 'quota-journal-1.jsonl'))).mode & 0o777;
    expect(process.platform === 'win32' || mode === 0o600).toBe(true);
  });

  it('lives in its own private folder, apart from config.json; an earlier version’s segments beside config.json move in and count once', async () => {
    // What the previous version left: two segments in the data folder itself, written unfolded.
    const earlier = scratch.closeAfter(
      journalFileStore(scratch.dir, sqliteLimiterSnapshots(scratch.db)),
    );
    const first = createLimiterGate({ clock: () => T0, timers: FROZEN_TIMERS, store: earlier });
    first.seed([GROQ_K1]);
    await admit(first, 3);
    earlier.close();
    expect(await segments()).toEqual(['quota-journal-1.jsonl']);

    const dir = journalFolder(scratch.dir);
    expect(dir).toBe(join(scratch.dir, JOURNAL_FOLDER));
    expect(await segments()).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['quota-journal-1.jsonl']);
    if (process.platform !== 'win32') expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(journalFolder(scratch.dir)).toBe(dir);

    const moved = scratch.closeAfter(journalFileStore(dir, sqliteLimiterSnapshots(scratch.db)));
    const second = createLimiterGate({ clock: () => T0, timers: FROZEN_TIMERS, store: moved });
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(3);
    await admit(second, 1);
    expect((await readdir(dir)).sort()).toEqual(['quota-journal-1.jsonl', 'quota-journal-2.jsonl']);
    expect(await segments()).toEqual([]);
  });

  it('a gate that dies without saving loses no count: the next one replays the journal', async () => {
    const first = gateOn();
    first.seed([GROQ_K1]);
    await admit(first, 5);
    // No stop(), no snapshot: the process is gone.
    const second = gateOn();
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(5);
    expect(spent(second, 'rpm')).toBe(5);
  });

  it('settlements are journalled too, written within the lazy delay: a refusal the provider did not count is refunded', async () => {
    const lazy: Array<() => void> = [];
    const first = gateOn(
      scratch.closeAfter(
        journalFileStore(scratch.dir, sqliteLimiterSnapshots(scratch.db), (write) =>
          lazy.push(write),
        ),
      ),
    );
    first.seed([GROQ_K1]);
    const ok = await first.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    const refused = await first.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    if (!ok.ok || !refused.ok) throw new Error('not admitted');
    ok.release(released(200));
    refused.release(released(429));
    await new Promise((resolve) => setImmediate(resolve));
    // Nobody waits for a settlement: it is not written in this iteration...
    expect(await lines('quota-journal-1.jsonl')).toBe(2);
    // ...but once the lazy delay is up.
    for (const write of lazy.splice(0)) write();
    const second = gateOn();
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(1);
  });

  it("a settlement rides with the next admission's write", async () => {
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    const first = await gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    if (!first.ok) throw new Error('not admitted');
    const counted = await countingWrites(async () => {
      // The request ends in one iteration of the event loop, the next one arrives in a later one.
      first.release(released(200));
      await new Promise((resolve) => setImmediate(resolve));
      return gate.acquire(GROQ_K1, gateRequest(), 0, NEVER_ABORTED);
    });
    expect(counted.value.ok).toBe(true);
    expect(counted.writes).toBe(1);
    expect(await lines('quota-journal-1.jsonl')).toBe(3);
  });

  it('a pool first seen after the snapshot is counted once it is seeded again', async () => {
    const first = gateOn();
    // Never seeded: the pool is made by the admission itself (a direct provider/model request).
    await admit(first, 3);
    const second = gateOn();
    expect(second.view().pools).toHaveLength(0);
    // Saving before the pool is seeded carries its entries in the snapshot's row.
    second.stop();
    expect(await segments()).toEqual([]);
    const third = gateOn();
    await admit(third, 1);
    expect(spent(third, 'rpd')).toBe(4);
  });

  it('a journal that cannot be written is reported, and the request goes ahead', async () => {
    const { gate, errors } = unwritableGate(EXACT);
    gate.seed([GROQ_K1]);
    await admit(gate, 2);
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toMatch(/ENOENT/);
  });

  it('a write that fails half-way is not followed by the next entries on the same line', async () => {
    const errors: unknown[] = [];
    const gate = createLimiterGate({
      clock: () => T0,
      timers: FROZEN_TIMERS,
      store: storeOn(),
      onError: (error) => errors.push(error),
      ...EXACT,
    });
    gate.seed([GROQ_K1]);
    await admit(gate, 1);
    // The disk fills in the middle of the next write: half the bytes land, then ENOSPC.
    const original = fs.writeSync;
    const tearing = (fd: number, bytes: NodeJS.ArrayBufferView, offset: number, length: number) => {
      Object.assign(fs, { writeSync: original });
      syncBuiltinESMExports();
      original(fd, bytes, offset, Math.floor(length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    Object.assign(fs, { writeSync: tearing });
    syncBuiltinESMExports();
    await admit(gate, 1);
    expect(errors).toHaveLength(1);
    await admit(gate, 2);
    const next = gateOn();
    next.seed([GROQ_K1]);
    // The three whose writes completed (the torn one's admission went ahead uncounted on disk).
    expect(spent(next, 'rpd')).toBe(3);
  });

  it('a snapshot save folds the segment in, deletes it, and the next entries go to a new one', async () => {
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    await admit(gate, 3);
    gate.stop();
    expect(folded()).toBe(1);
    expect(await segments()).toEqual([]);
    const again = gateOn();
    again.seed([GROQ_K1]);
    expect(spent(again, 'rpd')).toBe(3);
    await admit(again, 1);
    expect(await segments()).toEqual(['quota-journal-2.jsonl']);
    const third = gateOn();
    third.seed([GROQ_K1]);
    expect(spent(third, 'rpd')).toBe(4);
  });

  it('killed between the segment switch and the snapshot commit: the old snapshot and every segment', async () => {
    const row = sqliteLimiterSnapshots(scratch.db);
    // The commit never happens: the process dies while the log's thread has the message.
    const { gate, saveNow } = savingGate({ load: row.load, save: () => new Promise(() => {}) });
    await admit(gate, 3);
    saveNow();
    // Taken after the switch: in segment 2.
    await admit(gate, 2);
    expect(folded()).toBeUndefined();
    const next = gateOn();
    next.seed([GROQ_K1]);
    expect(spent(next, 'rpd')).toBe(5);
  });

  it('killed between the snapshot commit and its acknowledgement: the folded segment is not counted twice', async () => {
    const row = sqliteLimiterSnapshots(scratch.db);
    // Committed, but the acknowledgement never comes back, so segment 1 is still on disk.
    const { gate, saveNow } = savingGate({
      load: row.load,
      save: (snapshot, carried, through) => {
        row.save(snapshot, carried, through);
        return new Promise(() => {});
      },
    });
    await admit(gate, 3);
    saveNow();
    // Taken after the switch: in segment 2, which the snapshot does not hold.
    await admit(gate, 2);
    expect(folded()).toBe(1);
    expect(await segments()).toEqual(['quota-journal-1.jsonl', 'quota-journal-2.jsonl']);
    const next = gateOn();
    next.seed([GROQ_K1]);
    expect(spent(next, 'rpd')).toBe(5);
    // The start-up deleted what the snapshot folded in.
    expect(await segments()).toEqual(['quota-journal-2.jsonl']);
  });

  it('a torn last line is skipped, and the next run writes to a new segment', async () => {
    const first = gateOn();
    first.seed([GROQ_K1]);
    await admit(first, 2);
    const torn = '{"kind":"take","pool":"groq|k1|llama-3.1-8b-instant","at":1,"amo';
    await appendFile(join(scratch.dir, 'quota-journal-1.jsonl'), torn);
    const second = gateOn();
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(2);
    await admit(second, 1);
    expect(await segments()).toEqual(['quota-journal-1.jsonl', 'quota-journal-2.jsonl']);
    const third = gateOn();
    third.seed([GROQ_K1]);
    expect(spent(third, 'rpd')).toBe(3);
  });

  it('a whole entry the write did not finish (no newline) is not counted: its admission never returned', async () => {
    const first = gateOn();
    first.seed([GROQ_K1]);
    await admit(first, 1);
    const [line] = (await readFile(join(scratch.dir, 'quota-journal-1.jsonl'), 'utf8')).split('\n');
    await appendFile(join(scratch.dir, 'quota-journal-1.jsonl'), line!);
    const second = gateOn();
    second.seed([GROQ_K1]);
    expect(spent(second, 'rpd')).toBe(1);
  });

  it('a damaged line costs only itself', async () => {
    const gate = gateOn();
    gate.seed([GROQ_K1]);
    await admit(gate, 2);
    await appendFile(
      join(scratch.dir, 'quota-journal-1.jsonl'),
      '{"kind":"take","pool":\n{"kind":"nonsense"}\n',
    );
    await admit(gate, 1);
    const again = gateOn();
    again.seed([GROQ_K1]);
    expect(spent(again, 'rpd')).toBe(3);
  });

  it('an upgrade counts what the previous version journalled in its table, once', async () => {
    // What the previous version left: a snapshot with 2 spent, and 3 takes in quota_journal.
    const old = createLimiterGate({
      clock: () => T0,
      timers: FROZEN_TIMERS,
      store: { load: () => undefined, save: () => undefined },
    });
    old.seed([GROQ_K1]);
    await admit(old, 2);
    sqliteLimiterSnapshots(scratch.db).save(snapshot(old.state(), T0), [], 0);
    const pool = Object.keys(old.state().pools)[0];
    const take = { kind: 'take', pool, at: T0, amounts: [['rpd', 1]] };
    const insert = scratch.db.prepare('INSERT INTO quota_journal (entry) VALUES (?)');
    for (let i = 0; i < 3; i++) insert.run(JSON.stringify(take));

    const upgraded = gateOn();
    upgraded.seed([GROQ_K1]);
    expect(spent(upgraded, 'rpd')).toBe(5);
    // Read, not yet emptied: a crash now must still find them.
    expect(legacyRows()).toBe(3);
    upgraded.stop();
    expect(legacyRows()).toBe(0);
    const after = gateOn();
    after.seed([GROQ_K1]);
    expect(spent(after, 'rpd')).toBe(5);
  });

  it("in the engine's wiring the snapshot commits in the log's thread, and the folded segment goes once it has", async () => {
    const thread = scratch.closeAfter(
      new RequestLogThread({
        path: scratch.path,
        settings: () => LOG_SETTINGS,
        pruneIntervalMs: 0,
      }),
    );
    const local = sqliteLimiterSnapshots(scratch.db);
    const saves: Promise<void>[] = [];
    const gate = gateOn(
      storeOn({
        load: local.load,
        save: (saved: LimiterSnapshot, carried, through) => {
          saves.push(thread.saveSnapshot(saved, [...carried], through));
          return saves.at(-1);
        },
      }),
    );
    gate.seed([GROQ_K1]);
    await admit(gate, 4);
    gate.stop();
    expect(await segments()).toEqual(['quota-journal-1.jsonl']);
    await Promise.all(saves);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await segments()).toEqual([]);
    expect(folded()).toBe(1);
    const next = gateOn();
    next.seed([GROQ_K1]);
    expect(spent(next, 'rpd')).toBe(4);
  });
});

describe('quota journal leases', () => {
  /** A store whose unawaited writes (settlements) wait for the test. */
  const lazyStore = () => {
    const lazy: Array<() => void> = [];
    const store = scratch.closeAfter(
      journalFileStore(scratch.dir, sqliteLimiterSnapshots(scratch.db), (write) =>
        lazy.push(write),
      ),
    );
    return { store, writeLazy: () => lazy.splice(0).forEach((write) => write()) };
  };

  it('one request at a time: a take writes itself and a lease, and the next ones ride on it', async () => {
    const { store } = lazyStore();
    const gate = gateOn(store, LEASED);
    gate.seed([LOOSE_K2]);
    const counted = await countingWrites(async () => {
      for (let i = 0; i < 2 * (LEASE_TAKES + 1) + 1; i++) {
        const admission = await gate.acquire(LOOSE_K2, gateRequest(), 0, NEVER_ABORTED);
        if (!admission.ok) throw new Error(admission.reason);
        admission.release(released(200));
      }
      return undefined;
    });
    // The first take draws a lease for the next LEASE_TAKES, and so does every one after the
    // lease ran out; the later draws carry the settlements queued by then in the same write.
    expect(counted.writes).toBe(3);
  });

  it('a crash with a lease in hand: the replay counts every take and what the lease held, no more', async () => {
    const first = gateOn(storeOn(), LEASED);
    first.seed([LOOSE_K2]);
    await admit(first, 5, LOOSE_K2);
    // No stop(): the process is gone. The first take wrote 1 and a lease of LEASE_TAKES; four
    // more took from the lease.
    const second = gateOn(storeOn(), LEASED);
    second.seed([LOOSE_K2]);
    expect(spent(second, 'rpd', LOOSE_K2)).toBe(1 + LEASE_TAKES);
    expect(spent(second, 'rpm', LOOSE_K2)).toBe(1 + LEASE_TAKES);
  });

  it('a clean stop saves what was taken: no lease is counted', async () => {
    const first = gateOn(storeOn(), LEASED);
    first.seed([LOOSE_K2]);
    await admit(first, 5, LOOSE_K2);
    first.stop();
    const second = gateOn(storeOn(), LEASED);
    second.seed([LOOSE_K2]);
    expect(spent(second, 'rpd', LOOSE_K2)).toBe(5);
    // The snapshot folded the lease's segment: the next take draws a new lease.
    const counted = await countingWrites(() => admit(second, 1, LOOSE_K2));
    expect(counted.writes).toBe(1);
  });

  it('a take its lease covers still waits for the write of that lease, when it is not done yet', async () => {
    const gate = gateOn(storeOn(), LEASED);
    gate.seed([GROQ_K1, LOOSE_K2]);
    // One request in flight elsewhere: the burst's admissions share the iteration's write.
    await admit(gate, 1);
    const before = linesNow('quota-journal-1.jsonl');
    const seen: number[] = [];
    const counted = await countingWrites(() =>
      Promise.all(
        Array.from(
          { length: 5 },
          () =>
            new Promise<void>((resolve) =>
              setImmediate(() => {
                void gate.acquire(LOOSE_K2, gateRequest(), 0, NEVER_ABORTED).then((a) => {
                  if (!a.ok) throw new Error(a.reason);
                  seen.push(linesNow('quota-journal-1.jsonl'));
                  resolve();
                });
              }),
            ),
        ),
      ),
    );
    // One entry (the first take with its lease), in one write, before any of them went ahead.
    expect(counted.writes).toBe(1);
    expect(seen).toEqual(Array(5).fill(before + 1));
  });

  it('a lease whose write failed covers nothing: each take tries its own write', async () => {
    const { gate, errors } = unwritableGate(LEASED);
    gate.seed([LOOSE_K2]);
    await admit(gate, 3, LOOSE_K2);
    expect(errors).toHaveLength(3);
  });
});
