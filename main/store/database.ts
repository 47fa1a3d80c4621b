import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './fileModes.ts';
import { rebuildRollups } from './rollupWriter.ts';
import { QUARTER_HOUR } from './rollups.ts';
import { inTransaction } from './transaction.ts';

export const DATABASE_FILE_NAME = 'switchyard.db';

/** One step of the schema; `up` runs inside a transaction with PRAGMA user_version. */
export type Migration = { version: number; description: string; up: (db: DatabaseSync) => void };

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'request log: one row per request, one per attempt, optional bodies',
    up: (db) =>
      db.exec(`
        CREATE TABLE requests (
          id INTEGER PRIMARY KEY,
          request_id TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          kind TEXT NOT NULL,
          inbound TEXT NOT NULL,
          requested_model TEXT NOT NULL,
          route TEXT,
          provider TEXT,
          key_id TEXT,
          model TEXT,
          status INTEGER NOT NULL,
          failure_class TEXT,
          error TEXT,
          headers_ms INTEGER,
          first_token_ms INTEGER,
          total_ms INTEGER NOT NULL,
          tokens_in INTEGER,
          tokens_out INTEGER,
          cost REAL,
          streamed INTEGER NOT NULL,
          hedged INTEGER NOT NULL,
          client_aborted INTEGER NOT NULL,
          attempts INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX requests_by_request_id ON requests (request_id);
        CREATE INDEX requests_by_time ON requests (started_at);
        CREATE TABLE attempts (
          request INTEGER NOT NULL,
          idx INTEGER NOT NULL,
          started_at INTEGER NOT NULL,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          key_id TEXT,
          status INTEGER NOT NULL,
          outcome TEXT NOT NULL,
          failure_class TEXT,
          reason TEXT,
          headers_ms INTEGER,
          first_token_ms INTEGER,
          total_ms INTEGER,
          tokens_in INTEGER,
          tokens_out INTEGER,
          cost REAL,
          hedged INTEGER NOT NULL,
          PRIMARY KEY (request, idx)
        ) WITHOUT ROWID;
        CREATE TABLE bodies (
          request INTEGER PRIMARY KEY,
          request_body TEXT,
          response_body TEXT
        );
      `),
  },
  {
    version: 2,
    description: 'per-minute and per-quarter-hour rollups for the charts, backfilled from the log',
    up: (db) => {
      db.exec(`
        CREATE TABLE rollups (
          res INTEGER NOT NULL,
          level INTEGER NOT NULL,
          bucket INTEGER NOT NULL,
          provider TEXT NOT NULL,
          model TEXT NOT NULL,
          key_id TEXT NOT NULL,
          count INTEGER NOT NULL,
          errors INTEGER NOT NULL,
          tokens_in INTEGER NOT NULL,
          tokens_out INTEGER NOT NULL,
          cost REAL NOT NULL,
          gen_tokens INTEGER NOT NULL,
          gen_ms INTEGER NOT NULL,
          latency BLOB,
          first_token BLOB,
          PRIMARY KEY (res, level, bucket, provider, model, key_id)
        ) WITHOUT ROWID;
      `);
      rebuildRollups(db);
    },
  },
  {
    version: 3,
    description: 'quota counters (the limiter snapshot); key status across restarts',
    up: (db) =>
      db.exec(`
        CREATE TABLE limiter_snapshot (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          saved_at INTEGER NOT NULL,
          snapshot TEXT NOT NULL
        );
        CREATE TABLE key_state (
          key_id TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          last_test TEXT,
          updated_at INTEGER NOT NULL
        );
      `),
  },
  {
    version: 4,
    description: 'attempts remember until when their failure cooled the target or parked the key',
    up: (db) => db.exec('ALTER TABLE attempts ADD COLUMN hold_until INTEGER'),
  },
  {
    version: 5,
    description: 'the quota journal: what requests took since the limiter snapshot was saved',
    up: (db) =>
      db.exec('CREATE TABLE quota_journal (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL)'),
  },
  {
    version: 6,
    description: 'discovered models per key, and what answers said about a model (main/models)',
    up: (db) =>
      db.exec(`
        CREATE TABLE discovered_models (
          provider TEXT NOT NULL, key_id TEXT NOT NULL, model TEXT NOT NULL,
          first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
          PRIMARY KEY (provider, key_id, model)
        );
        CREATE TABLE model_listings (
          provider TEXT NOT NULL, key_id TEXT NOT NULL, listed_at INTEGER NOT NULL,
          PRIMARY KEY (provider, key_id)
        );
        CREATE TABLE model_flags (
          provider TEXT NOT NULL, model TEXT NOT NULL, state TEXT NOT NULL,
          since INTEGER NOT NULL, reason TEXT NOT NULL,
          PRIMARY KEY (provider, model)
        );
      `),
  },
  {
    version: 7,
    description:
      "indexes for every Requests filter (a filter that matches nothing reads nothing); spend per route and key per quarter hour (today's spend without reading the attempts)",
    // Each index ends in started_at (and, implicitly, the row id): a filtered page is read in order.
    up: (db) =>
      db.exec(`
        CREATE INDEX requests_by_route ON requests (route, started_at);
        CREATE INDEX requests_by_provider ON requests (provider, started_at);
        CREATE INDEX requests_by_status ON requests (status, started_at);
        CREATE INDEX requests_by_success ON requests ((status BETWEEN 200 AND 299), started_at);
        CREATE TABLE spend (
          bucket INTEGER NOT NULL,
          route TEXT NOT NULL,
          key_id TEXT NOT NULL,
          usd REAL NOT NULL,
          PRIMARY KEY (bucket, route, key_id)
        ) WITHOUT ROWID;
        INSERT INTO spend (bucket, route, key_id, usd)
          SELECT a.started_at - a.started_at % ${QUARTER_HOUR}, r.route, a.key_id, SUM(a.cost)
            FROM attempts a JOIN requests r ON r.id = a.request
           WHERE a.cost IS NOT NULL AND r.route IS NOT NULL AND a.key_id IS NOT NULL
           GROUP BY 1, 2, 3;
      `),
  },
  {
    version: 8,
    description:
      'stored Responses API answers, for previous_response_id and GET /v1/responses/{id}',
    up: (db) =>
      db.exec(`
        CREATE TABLE stored_responses (
          id TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          response TEXT NOT NULL,
          conversation TEXT NOT NULL
        );
        CREATE INDEX stored_responses_created ON stored_responses (created_at);
      `),
  },
  {
    version: 9,
    description: 'requests remember which rule chose their route and what session affinity did',
    up: (db) =>
      db.exec(
        'ALTER TABLE requests ADD COLUMN rule TEXT; ALTER TABLE requests ADD COLUMN affinity TEXT',
      ),
  },
  {
    version: 10,
    description:
      "the quota journal moves to files beside the database (quotaJournalFile.ts): the limiter snapshot records the last journal segment it folded in and the entries it carries for pools not seeded yet; quota_journal keeps only a previous version's entries, read at the next start and emptied by the next snapshot save",
    up: (db) =>
      db.exec(`
        ALTER TABLE limiter_snapshot ADD COLUMN folded_segment INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE limiter_snapshot ADD COLUMN carried TEXT NOT NULL DEFAULT '[]';
      `),
  },
  {
    version: 11,
    description:
      'the ok/error filter reads requests_by_status once per status it stands for (requestLogQueries.ts), so its own index goes: one fewer to update per request written',
    up: (db) => db.exec('DROP INDEX requests_by_success'),
  },
];

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/**
 * Opens (creating if need be) the engine's SQLite file: WAL, so readers never wait for the writer
 * and a committed transaction survives the process being killed; incremental auto-vacuum, so
 * pruning gives space back; then the schema migrations up to the newest.
 */
export function openDatabase(
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): DatabaseSync {
  if (path !== ':memory:') createPrivately(path);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { timeout: 2000 });
    const fresh = (db.prepare('PRAGMA user_version').get() as { user_version: number })
      .user_version;
    if (fresh === 0) db.exec('PRAGMA auto_vacuum = INCREMENTAL');
    // 16 MB of page cache (the default is 2 MB): the log's indexes stay in memory while writing.
    // The WAL is cut back to 8 MB after each checkpoint, so a burst of writes (retention) does
    // not leave the file that much larger for good.
    db.exec(
      'PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16000; PRAGMA journal_size_limit = 8388608;',
    );
  } catch (err) {
    db?.close();
    throw new DatabaseError(
      `The request log database ${path} cannot be opened (${(err as Error).message}). Switchyard does not need its old contents to run: move the file aside and start again.`,
    );
  }
  try {
    migrate(db, path, migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Creates the folder 0700 and the database file 0600 before SQLite opens it: SQLite gives the
 * -wal and -shm files it makes the main file's mode, so all three start private whatever the umask.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  if (process.platform !== 'win32') chmodSync(path, PRIVATE_FILE_MODE);
}

function migrate(db: DatabaseSync, path: string, migrations: readonly Migration[]): void {
  const current = (db.prepare('PRAGMA user_version').get() as { user_version: number })
    .user_version;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new DatabaseError(
      `The request log database ${path} has schema version ${current}, written by a newer Switchyard; this one knows up to ${newest}. Update Switchyard, or move the file aside to start a fresh log.`,
    );
  }
  for (const step of migrations) {
    if (step.version <= current) continue;
    try {
      inTransaction(
        db,
        () => {
          step.up(db);
          db.exec(`PRAGMA user_version = ${step.version}`);
        },
        'IMMEDIATE',
      );
    } catch (err) {
      throw new DatabaseError(
        `Upgrading the request log database ${path} to schema ${step.version} (${step.description}) failed: ${(err as Error).message}`,
      );
    }
  }
}
