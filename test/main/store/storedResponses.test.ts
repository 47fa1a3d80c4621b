import { beforeEach, describe, expect, it } from 'vitest';
import { sqliteResponseStore } from '../../../main/store/storedResponses.ts';
import { databasePerTest } from './scratchStore.ts';

const scratch = databasePerTest('stored');
let now: number;
beforeEach(() => {
  now = 1_000_000;
});

const stored = (id: string) => ({
  response: { id, object: 'response' },
  conversation: [{ role: 'user', content: id }],
});

describe('stored Responses answers', () => {
  it('keeps an answer with its conversation until deleted', () => {
    const store = sqliteResponseStore(scratch.db, () => now);
    store.save('resp_a', stored('resp_a'));
    expect(store.get('resp_a')).toEqual(stored('resp_a'));
    expect(store.delete('resp_a')).toBe(true);
    expect(store.get('resp_a')).toBeUndefined();
    expect(store.delete('resp_a')).toBe(false);
  });

  it('keeps at most the newest maxCount', () => {
    const store = sqliteResponseStore(scratch.db, () => now, { maxCount: 2, maxAgeMs: 1000 });
    for (const id of ['a', 'b', 'c']) {
      now += 1;
      store.save(id, stored(id));
    }
    expect(['a', 'b', 'c'].map((id) => store.get(id) !== undefined)).toEqual([false, true, true]);
  });

  it('forgets answers older than maxAgeMs, on read and on the next save', () => {
    const store = sqliteResponseStore(scratch.db, () => now, { maxCount: 10, maxAgeMs: 1000 });
    store.save('old', stored('old'));
    now += 1001;
    expect(store.get('old')).toBeUndefined();
    store.save('new', stored('new'));
    const rows = scratch.db.prepare('SELECT id FROM stored_responses').all() as Array<{
      id: string;
    }>;
    expect(rows.map((r) => r.id)).toEqual(['new']);
  });
});
