/**
 * The quota journal (main/store/limiterSnapshot.ts with app/limiter/journal.ts): counts are as
 * durable as the requests they count. A gate that is dropped without saving (a crash: its
 * one-second snapshot timer never fires) leaves a journal from which the next gate on the same
 * database counts every admitted request. The real `kill -9` is test/main/cli/crashDurability.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ChatCompletionRequest } from '../../../app/formats/openai.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptInfo } from '../../../main/engine/capacityGate.ts';
import {
  createLimiterGate,
  type GateTimers,
  type LimiterGate,
} from '../../../main/engine/limiterGate.ts';
import type { ProxyRequest } from '../../../app/formats/proxyRequest.ts';
import type { Candidate } from '../../../main/engine/targets.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { sqliteLimiterStore } from '../../../main/store/limiterSnapshot.ts';
import { GROQ, T0 } from '../../app/limiter/fixtures.ts';

const groq: Candidate = {
  provider: GROQ,
  model: 'llama-3.1-8b-instant',
  keyId: 'k1',
  tier: 'free',
};
const target = {
  provider: GROQ,
  model: 'llama-3.1-8b-instant',
  keyId: 'k1',
  tier: 'free' as const,
};
const never = new AbortController().signal;
/** Timers that never fire: the snapshot is never saved on its own, as when the process dies. */
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

function released(status: number): AttemptInfo {
  return {
    provider: 'groq',
    model: 'llama-3.1-8b-instant',
    keyId: 'k1',
    startedAt: T0,
    status,
    outcome: status === 200 ? 'ok' : 'failed',
    hedged: false,
  };
}

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
    timers: frozen,
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
    gate.seed([target]);
    const admission = await gate.acquire(groq, request, 0, never);
    expect(admission.ok).toBe(true);
    expect(journalRows()).toBe(1);
  });

  it('admissions of one turn of the event loop share one commit', async () => {
    const gate = gateOn(db);
    gate.seed([target]);
    let commits = 0;
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === 'COMMIT') commits++;
      exec(sql);
    };
    const all = await Promise.all(
      Array.from({ length: 10 }, () => gate.acquire(groq, request, 0, never)),
    );
    db.exec = exec;
    expect(all.every((a) => a.ok)).toBe(true);
    expect(journalRows()).toBe(10);
    expect(commits).toBe(1);
  });

  it('a gate that dies without saving loses no count: the next one replays the journal', async () => {
    const first = gateOn(db);
    first.seed([target]);
    for (let i = 0; i < 5; i++) await first.acquire(groq, request, 0, never);
    // No stop(), no snapshot: the process is gone.
    const second = gateOn(db);
    second.seed([target]);
    expect(spent(second, 'rpd')).toBe(5);
    expect(spent(second, 'rpm')).toBe(5);
  });

  it('settlements are journalled too: a refusal the provider did not count is refunded', async () => {
    const first = gateOn(db);
    first.seed([target]);
    const ok = await first.acquire(groq, request, 0, never);
    const refused = await first.acquire(groq, request, 0, never);
    if (!ok.ok || !refused.ok) throw new Error('not admitted');
    ok.release(released(200));
    refused.release(released(429));
    await Promise.resolve();
    const second = gateOn(db);
    second.seed([target]);
    expect(spent(second, 'rpd')).toBe(1);
  });

  it('a pool first seen after the snapshot is counted once it is seeded again', async () => {
    const first = gateOn(db);
    // Never seeded: the pool is made by the admission itself (a direct provider/model request).
    for (let i = 0; i < 3; i++) await first.acquire(groq, request, 0, never);
    const second = gateOn(db);
    expect(second.view().pools).toHaveLength(0);
    // Saving before the pool is seeded keeps its entries for later.
    second.stop();
    const third = gateOn(db);
    await third.acquire(groq, request, 0, never);
    expect(spent(third, 'rpd')).toBe(4);
  });

  it('a snapshot save empties the journal', async () => {
    const gate = gateOn(db);
    gate.seed([target]);
    for (let i = 0; i < 3; i++) await gate.acquire(groq, request, 0, never);
    expect(journalRows()).toBe(3);
    gate.stop();
    expect(journalRows()).toBe(0);
    const again = gateOn(db);
    again.seed([target]);
    expect(spent(again, 'rpd')).toBe(3);
  });

  it('a damaged journal row costs only itself', async () => {
    const gate = gateOn(db);
    gate.seed([target]);
    for (let i = 0; i < 2; i++) await gate.acquire(groq, request, 0, never);
    db.prepare('INSERT INTO quota_journal (entry) VALUES (?)').run('{"kind":"take","pool":');
    db.prepare('INSERT INTO quota_journal (entry) VALUES (?)').run('{"kind":"nonsense"}');
    const again = gateOn(db);
    again.seed([target]);
    expect(spent(again, 'rpd')).toBe(2);
  });
});
