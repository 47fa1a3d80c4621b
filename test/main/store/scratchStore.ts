import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { RequestLog } from '../../../main/store/requestLog.ts';
import type { LogSettings } from '../../../main/store/requestLogWriter.ts';

/** The log settings the store's tests run with unless one says otherwise. */
export const LOG_SETTINGS: LogSettings = {
  logBodies: false,
  retentionDays: 30,
  retentionMaxMb: 512,
};

/**
 * What both kinds of request log get in these tests besides their database and settings: a clock
 * standing at `now`, their lines kept in `lines`, no retention on a timer, and a flush only when
 * the test asks for one (or a minute on).
 */
export function heldLogOptions(now: number, lines: string[]) {
  return {
    now: () => now,
    log: (line: string) => lines.push(line),
    pruneIntervalMs: 0,
    flushIntervalMs: 60_000,
  };
}

type Closable = { close(): unknown };

export type TempFolder = {
  /** A fresh folder for the running test. */
  dir: string;
  /** Where switchyard.db goes in it. */
  path: string;
};

export type ScratchStore = TempFolder & {
  /** The database open on `path`. */
  db: DatabaseSync;
  /** Hands over a log or a thread on the database, to be closed after the test, before it. */
  closeAfter: <T extends Closable>(closable: T) => T;
};

function perTest(name: string, open: boolean): ScratchStore {
  const closables: Closable[] = [];
  let db: DatabaseSync | undefined;
  const store: ScratchStore = {
    dir: '',
    path: '',
    get db() {
      if (!db) throw new Error('no database: the test opens its own');
      return db;
    },
    closeAfter: (closable) => {
      closables.push(closable);
      return closable;
    },
  };
  beforeEach(async () => {
    store.dir = await mkdtemp(join(tmpdir(), `switchyard-${name}-`));
    store.path = join(store.dir, 'switchyard.db');
    if (open) db = openDatabase(store.path);
  });
  // One hook, so the order holds: what uses the database, the database, then the folder.
  afterEach(async () => {
    for (const closable of closables.splice(0)) await closable.close();
    db?.close();
    db = undefined;
    await rm(store.dir, { recursive: true, force: true });
  });
  return store;
}

/** Gives every test of the enclosing block a fresh folder of its own, removed after it. */
export function tempFolderPerTest(name: string): TempFolder {
  return perTest(name, false);
}

/** Gives every test of the enclosing block a fresh folder with switchyard.db open in it. */
export function databasePerTest(name: string): ScratchStore {
  return perTest(name, true);
}

/** databasePerTest with a request log on the database whose clock stands at `now`. */
export function requestLogPerTest(
  name: string,
  now: number,
): ScratchStore & { readonly log: RequestLog; restartLog: () => Promise<void> } {
  const store = databasePerTest(name);
  let log: RequestLog | undefined;
  const open = () =>
    new RequestLog({
      db: store.db,
      settings: () => LOG_SETTINGS,
      now: () => now,
      pruneIntervalMs: 0,
    });
  beforeEach(() => {
    log = open();
    // Whichever log is open when the test ends (restartLog replaces it).
    store.closeAfter({ close: () => log?.close() });
  });
  return Object.defineProperties(store, {
    log: {
      get() {
        if (!log) throw new Error('the request log opens before each test');
        return log;
      },
    },
    restartLog: {
      /** Closes the log and opens another on the same database (what a restart finds). */
      value: async () => {
        await log?.close();
        log = open();
      },
    },
  }) as ScratchStore & { readonly log: RequestLog; restartLog: () => Promise<void> };
}
