import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { tightenDataFolder } from '../../../main/store/fileModes.ts';
import { tempFolderPerTest } from './scratchStore.ts';

const folder = tempFolderPerTest('modes');
let dir: string;
beforeEach(() => {
  dir = join(folder.dir, 'data');
});

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe.skipIf(process.platform === 'win32')('data folder modes', () => {
  it('creates switchyard.db, -wal and -shm 0600 even under a permissive umask', async () => {
    const previous = process.umask(0o022);
    try {
      const db = openDatabase(join(dir, 'switchyard.db'));
      db.exec('CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1);');
      for (const name of ['switchyard.db', 'switchyard.db-wal', 'switchyard.db-shm'])
        expect([name, await modeOf(join(dir, name))]).toEqual([name, 0o600]);
      expect(await modeOf(dir)).toBe(0o700);
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it('tightens an existing 0755 folder and 0644 files, and says what it changed', async () => {
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    for (const name of ['switchyard.db', 'switchyard.db-wal', 'switchyard.db-shm', 'config.json']) {
      await writeFile(join(dir, name), '');
      await chmod(join(dir, name), 0o644);
    }
    await writeFile(join(dir, 'engine.json'), '{}', { mode: 0o600 });
    const message = tightenDataFolder(dir);
    expect(await modeOf(dir)).toBe(0o700);
    for (const name of ['switchyard.db', 'switchyard.db-wal', 'switchyard.db-shm', 'config.json'])
      expect([name, await modeOf(join(dir, name))]).toEqual([name, 0o600]);
    expect(message).toBe(
      `data folder: tightened permissions so only you can read it: ${dir} 755→700, config.json 644→600, switchyard.db 644→600, switchyard.db-shm 644→600, switchyard.db-wal 644→600`,
    );
    expect(tightenDataFolder(dir)).toBeUndefined();
  });

  it('leaves a folder that does not exist yet alone', () => {
    expect(tightenDataFolder(dir)).toBeUndefined();
  });
});
