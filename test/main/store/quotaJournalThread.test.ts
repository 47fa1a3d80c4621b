/**
 * The quota journal committed in the request log's thread (main/store/quotaJournalThread.ts):
 * as durable as on the engine's thread (an admission returns only once its entry is committed),
 * with one commit per turn of the event loop, and the snapshot save replacing what came before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../app/limiter/journal.ts';
import { LIMITER_SNAPSHOT_VERSION } from '../../../app/limiter/snapshot.ts';
import {
  createLimiterGate,
  type GateTimers,
  type LimiterGate,
} from '../../../main/engine/limiterGate.ts';
import type { ChatCompletionRequest } from '../../../app/formats/openai.ts';
import type { LimiterStore } from '../../../app/limiter/store.ts';
import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import type { Candidate } from '../../../main/engine/targets.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { sqliteLimiterStore } from '../../../main/store/limiterSnapshot.ts';
import { threadLimiterStore } from '../../../main/store/quotaJournalThread.ts';
import { RequestLogThread } from '../../../main/store/requestLogThread.ts';
import { GROQ, T0 } from '../../app/limiter/fixtures.ts';

const groq: Candidate = {
  provider: GROQ,
  model: 'llama-3.1-8b-instant',
  keyId: 'k1',
  tier: 'free',
};
const never = new AbortController().signal;
const frozen: GateTimers = { setTimeout: () => 0, clearTimeout: () => undefined };
const request: ProxyRequest = {
  id: 'r',
  kind: 'chat',
  inbound: 'openai',
  body: {} as ChatCompletionRequest,
  model: 'x',
  stream: false,
  promptChars: 40,
  maxTokens: undefined,
  receivedAt: T0,
};

let dir: string;
let db: DatabaseSync;
let thread: RequestLogThread;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-journal-thread-'));
  db = openDatabase(join(dir, 'switchyard.db'));
  thread = new RequestLogThread({
    path: join(dir, 'switchyard.db'),
    settings: () => ({ logBodies: false, retentionDays: 30, retentionMaxMb: 512 }),
    pruneIntervalMs: 0,
  });
});
afterEach(async () => {
  await thread.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const gateOn = (store: LimiterStore): LimiterGate =>
  createLimiterGate({ clock: () => T0, timers: frozen, store });
const journalRows = () =>
  (db.prepare('SELECT COUNT(*) AS n FROM quota_journal').get() as { n: number }).n;

describe('the quota journal in the log thread', () => {
  it('commits an admission before acquire returns it, one message for a turn of admissions', async () => {
    const calls: JournalEntry[][] = [];
    const journal = thread.journal.bind(thread);
    thread.journal = (entries) => {
      calls.push(entries);
      return journal(entries);
    };
    const gate = gateOn(threadLimiterStore(db, thread));
    gate.seed([groq]);
    expect((await gate.acquire(groq, request, 0, never)).ok).toBe(true);
    expect(journalRows()).toBe(1);
    const all = await Promise.all(
      Array.from({ length: 10 }, () => gate.acquire(groq, request, 0, never)),
    );
    expect(all.every((a) => a.ok)).toBe(true);
    expect(journalRows()).toBe(11);
    expect(calls.map((c) => c.length)).toEqual([1, 10]);

    // No snapshot was saved (frozen timers): a gate reading the file counts all 11.
    const next = gateOn(sqliteLimiterStore(db));
    next.seed([groq]);
    const rpd = next.view().pools[0]!.windows.find((w) => w.window === 'rpd')!;
    expect(rpd.limit - rpd.remaining).toBe(11);
  });

  it('a snapshot save replaces the journal, and entries of its turn are covered, not written', async () => {
    const store = threadLimiterStore(db, thread);
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
      (db.prepare('SELECT entry FROM quota_journal').all() as { entry: string }[]).map(
        (r) => (JSON.parse(r.entry) as { at: number }).at,
      ),
    ).toEqual([3]);
    expect(store.load()).toMatchObject({ savedAt: T0 });
  });
});
