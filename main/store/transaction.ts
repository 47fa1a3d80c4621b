import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `work` in one transaction: committed when it returns, rolled back when it throws (and the
 * error passed on). `IMMEDIATE` takes the write lock at the start, for work that reads before it
 * writes and must not find the lock taken half-way.
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T, mode: '' | 'IMMEDIATE' = ''): T {
  db.exec(mode === '' ? 'BEGIN' : `BEGIN ${mode}`);
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
