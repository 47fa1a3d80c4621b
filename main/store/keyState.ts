import type { DatabaseSync } from 'node:sqlite';
import type { KeyStatus, KeyTestResult } from '../../app/admin/types.ts';

/** A key's status and last test, kept across restarts (the config holds only metadata). */
export type KeyState = { status: KeyStatus; lastTest?: KeyTestResult };

export interface KeyStateStore {
  load(): Map<string, KeyState>;
  save(id: string, state: KeyState): void;
  remove(id: string): void;
}

const STATUSES: ReadonlySet<string> = new Set<KeyStatus>([
  'untested',
  'ok',
  'invalid',
  'exhausted',
  'missing',
]);

/** Key status and last test in SQLite: the config holds only metadata, and a status must outlive a restart. */
export function sqliteKeyStateStore(db: DatabaseSync, now: () => number = Date.now): KeyStateStore {
  const save = db.prepare(
    `INSERT INTO key_state (key_id, status, last_test, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key_id) DO UPDATE SET status = excluded.status, last_test = excluded.last_test,
       updated_at = excluded.updated_at`,
  );
  const remove = db.prepare('DELETE FROM key_state WHERE key_id = ?');
  return {
    load() {
      const out = new Map<string, KeyState>();
      const rows = db.prepare('SELECT key_id, status, last_test FROM key_state').all() as {
        key_id: string;
        status: string;
        last_test: string | null;
      }[];
      for (const row of rows) {
        if (!STATUSES.has(row.status)) continue;
        const state: KeyState = { status: row.status as KeyStatus };
        if (row.last_test !== null) state.lastTest = JSON.parse(row.last_test) as KeyTestResult;
        out.set(row.key_id, state);
      }
      return out;
    },
    save(id, state) {
      save.run(id, state.status, state.lastTest ? JSON.stringify(state.lastTest) : null, now());
    },
    remove(id) {
      remove.run(id);
    },
  };
}
