import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigFileError, ConfigStore } from '../../../main/config/configFile.ts';

let dir: string;
let store: ConfigStore | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-config-'));
});
afterEach(async () => {
  store?.close();
  store = undefined;
  await rm(dir, { recursive: true, force: true });
});

function nextEvent<T>(emitter: ConfigStore, name: 'change' | 'invalid'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${name}" event within 5 s`)), 5000);
    emitter.once(name, (value: unknown) => {
      clearTimeout(timer);
      resolve(value as T);
    });
  });
}

describe('ConfigStore', () => {
  it('creates a default config on first run, readable only by the user', async () => {
    const path = join(dir, 'config.json');
    store = await ConfigStore.open(path);
    expect(store.current.version).toBe(1);
    const text = await readFile(path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ $schema: './config.schema.json', version: 1 });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('writes atomically: no temp files are left and the file is always whole', async () => {
    const path = join(dir, 'config.json');
    store = await ConfigStore.open(path);
    const writes = Array.from({ length: 20 }, (_, i) =>
      store!.write({
        ...store!.current,
        routes: [
          {
            name: `r${i}`,
            targets: [{ provider: 'groq', model: 'm' }],
            onLimit: { mode: 'spill' },
            privacy: 'standard',
          },
        ],
      }),
    );
    await Promise.all(writes);
    expect(await readdir(dir)).toEqual(['config.json']);
    expect(JSON.parse(await readFile(path, 'utf8')).routes[0].name).toBe('r19');
  });

  it('refuses to open an invalid file, naming the field', async () => {
    const path = join(dir, 'config.json');
    await writeFile(path, JSON.stringify({ version: 1, settings: { retentionDays: 0 } }));
    await expect(ConfigStore.open(path)).rejects.toThrow(ConfigFileError);
    await expect(ConfigStore.open(path)).rejects.toThrow(/settings\.retentionDays/);
  });

  it('hot-reloads a valid hand edit', async () => {
    const path = join(dir, 'config.json');
    store = await ConfigStore.open(path);
    store.watch();
    const changed = nextEvent<{ settings: { logBodies: boolean } }>(store, 'change');
    await writeFile(path, JSON.stringify({ version: 1, settings: { logBodies: true } }));
    expect((await changed).settings.logBodies).toBe(true);
    expect(store.current.settings.logBodies).toBe(true);
  });

  it('reports an invalid hand edit and keeps the last good config live', async () => {
    const path = join(dir, 'config.json');
    store = await ConfigStore.open(path);
    await store.write({
      ...store.current,
      settings: { ...store.current.settings, retentionDays: 7 },
    });
    store.watch();
    const invalid = nextEvent<string[]>(store, 'invalid');
    await writeFile(path, JSON.stringify({ version: 1, settings: { retentionDays: 'weekly' } }));
    const errors = await invalid;
    expect(errors[0]).toMatch(/^settings\.retentionDays: /);
    expect(store.current.settings.retentionDays).toBe(7);
    expect(store.lastErrors).toEqual(errors);
  });

  for (const { title, first, days } of [
    {
      title:
        'never takes its own write in flight for a hand edit (a reload during a write sees the new file)',
      first: 'write',
      days: [11, 12, 13],
    },
    {
      title: 'drops a reload that was reading when a write began',
      first: 'reload',
      days: [21, 22, 23],
    },
  ] as const)
    it(title, async () => {
      const opened = await ConfigStore.open(join(dir, 'config.json'));
      store = opened;
      const seen: number[] = [];
      opened.on('change', (config) => seen.push(config.settings.retentionDays));
      for (const retentionDays of days) {
        const write = () =>
          opened.write({
            ...opened.current,
            settings: { ...opened.current.settings, retentionDays },
          });
        // Started in this order, then awaited together.
        const started = first === 'write' ? [write(), opened.reload()] : [opened.reload(), write()];
        await Promise.all(started);
      }
      expect(seen).toEqual(days);
      expect(opened.current.settings.retentionDays).toBe(days.at(-1));
    });
});
