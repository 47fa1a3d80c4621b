/**
 * Responses API answers kept for `previous_response_id` and `GET /v1/responses/{id}`: each with
 * its whole conversation (the input it continued and its output), so a follow-up sends the
 * target everything before it. Bounded by count and age; the oldest go first.
 *
 * The proxy's side (`ResponseStore`, responseStoreThread.ts) never touches SQLite: saves go to the
 * request log's writing thread with the log's rows, reads to its reading thread. This file is
 * what those threads run on their connection.
 */
import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from './transaction.ts';

export type StoredResponse = { response: Record<string, unknown>; conversation: unknown[] };

/**
 * A kept answer as JSON text, as its row holds it. The proxy's thread encodes it once and holds
 * only that until the commit: a string crosses to the writing thread as a copy (an object is
 * serialised, rebuilt there and encoded all the same), and two flat strings cost the young
 * generation less to keep alive than the answer's object graph.
 */
export type StoredText = { response: string; conversation: string };

/** An answer to keep, with when it was kept. */
export type ResponseSave = StoredText & { id: string; at: number };

export function storedText(stored: StoredResponse): StoredText {
  return {
    response: JSON.stringify(stored.response),
    conversation: JSON.stringify(stored.conversation),
  };
}

export function storedFromText(text: StoredText): StoredResponse {
  return {
    response: JSON.parse(text.response) as Record<string, unknown>,
    conversation: JSON.parse(text.conversation) as unknown[],
  };
}

export interface ResponseStore {
  /** Keeps an answer; a `get` right after it finds it. Never blocks. */
  save(id: string, stored: StoredResponse): void;
  get(id: string): Promise<StoredResponse | undefined>;
  /** False when there was no such response. */
  delete(id: string): Promise<boolean>;
}

export const STORED_RESPONSE_LIMITS = { maxCount: 1000, maxAgeMs: 7 * 24 * 60 * 60 * 1000 };

export type SqliteResponses = {
  /** Saves a batch in one transaction, then trims to the limits. */
  saveAll(saves: readonly ResponseSave[], now: number): void;
  get(id: string, now: number): StoredResponse | undefined;
  delete(id: string): boolean;
};

export function sqliteResponses(
  db: DatabaseSync,
  limits = STORED_RESPONSE_LIMITS,
): SqliteResponses {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO stored_responses (id, created_at, response, conversation) VALUES (?, ?, ?, ?)',
  );
  const pruneAge = db.prepare('DELETE FROM stored_responses WHERE created_at < ?');
  // Walks the created_at index past the newest maxCount and deletes what follows: `id NOT IN
  // (the newest maxCount)` built a 1000-id set and scanned the table on every batch, a fifth of
  // the writing thread's time under Responses load.
  const pruneCount = db.prepare(
    `DELETE FROM stored_responses WHERE rowid IN
       (SELECT rowid FROM stored_responses ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?)`,
  );
  const select = db.prepare(
    'SELECT response, conversation FROM stored_responses WHERE id = ? AND created_at >= ?',
  );
  const remove = db.prepare('DELETE FROM stored_responses WHERE id = ?');
  return {
    saveAll: (saves, now) => {
      if (saves.length === 0) return;
      inTransaction(db, () => {
        for (const { id, response, conversation, at } of saves)
          insert.run(id, at, response, conversation);
        pruneAge.run(now - limits.maxAgeMs);
        pruneCount.run(limits.maxCount);
      });
    },
    get: (id, now) => {
      const row = select.get(id, now - limits.maxAgeMs) as StoredText | undefined;
      return row === undefined ? undefined : storedFromText(row);
    },
    delete: (id) => remove.run(id).changes > 0,
  };
}
