/**
 * Responses API answers kept for `previous_response_id` and `GET /v1/responses/{id}`: each with
 * its whole conversation (the input it continued and its output), so a follow-up sends the
 * target everything before it. Bounded by count and age; the oldest go first.
 */
import type { DatabaseSync } from 'node:sqlite';

export type StoredResponse = { response: Record<string, unknown>; conversation: unknown[] };

export interface ResponseStore {
  save(id: string, stored: StoredResponse): void;
  get(id: string): StoredResponse | undefined;
  /** False when there was no such response. */
  delete(id: string): boolean;
}

export const STORED_RESPONSE_LIMITS = { maxCount: 1000, maxAgeMs: 7 * 24 * 60 * 60 * 1000 };

export function sqliteResponseStore(
  db: DatabaseSync,
  clock: () => number,
  limits = STORED_RESPONSE_LIMITS,
): ResponseStore {
  const insert = db.prepare(
    'INSERT OR REPLACE INTO stored_responses (id, created_at, response, conversation) VALUES (?, ?, ?, ?)',
  );
  const pruneAge = db.prepare('DELETE FROM stored_responses WHERE created_at < ?');
  const pruneCount = db.prepare(
    `DELETE FROM stored_responses WHERE id NOT IN
       (SELECT id FROM stored_responses ORDER BY created_at DESC, rowid DESC LIMIT ?)`,
  );
  const select = db.prepare(
    'SELECT response, conversation FROM stored_responses WHERE id = ? AND created_at >= ?',
  );
  const remove = db.prepare('DELETE FROM stored_responses WHERE id = ?');
  return {
    save: (id, stored) => {
      const now = clock();
      insert.run(id, now, JSON.stringify(stored.response), JSON.stringify(stored.conversation));
      pruneAge.run(now - limits.maxAgeMs);
      pruneCount.run(limits.maxCount);
    },
    get: (id) => {
      const row = select.get(id, clock() - limits.maxAgeMs) as
        { response: string; conversation: string } | undefined;
      if (row === undefined) return undefined;
      return {
        response: JSON.parse(row.response) as Record<string, unknown>,
        conversation: JSON.parse(row.conversation) as unknown[],
      };
    },
    delete: (id) => remove.run(id).changes > 0,
  };
}
