/**
 * Every config write goes through one queue. PUT /admin/config once wrote around the queue the
 * key, route and provider endpoints share, so a key added while a whole config was being
 * written was computed from the config before it and put it back: the PUT's changes were lost
 * (or, the other way round, the key).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../../app/config/schema.ts';
import { ConfigStore } from '../../../main/config/configFile.ts';
import { createConfigUpdater } from '../../../main/keys/configUpdates.ts';
import { acceptAnyKey, startScratchEngine } from '../../harness/scratchEngine.ts';

const route = (name: string): Config['routes'][number] => ({
  name,
  targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }],
  onLimit: { mode: 'spill' },
  privacy: 'standard',
});

describe('one queue for every config write', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-queue-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a whole-config write and a key added at the same moment both land, in memory and on disk', async () => {
    const path = join(dir, 'config.json');
    const store = await ConfigStore.open(path);
    try {
      const update = createConfigUpdater(store);
      // The PUT's body was built from the config as the client read it; the key comes after.
      const put = store.write({ ...store.current, routes: [route('fast')] });
      const add = update((config) => ({
        ...config,
        keys: [
          ...config.keys,
          {
            id: 'groq-1',
            provider: 'groq',
            label: 'main',
            secret: { keychain: true },
            tier: 'free',
          },
        ],
      }));
      await Promise.all([put, add]);
      expect(store.current.routes.map((r) => r.name)).toEqual(['fast']);
      expect(store.current.keys.map((k) => k.id)).toEqual(['groq-1']);
      const onDisk = JSON.parse(await readFile(path, 'utf8')) as Config;
      expect(onDisk.routes.map((r) => r.name)).toEqual(['fast']);
      expect(onDisk.keys.map((k) => k.id)).toEqual(['groq-1']);
    } finally {
      store.close();
    }
  });

  it('PUT /admin/config concurrent with POST /admin/keys: both survive', async () => {
    const scratch = await startScratchEngine({
      name: 'engine',
      parent: dir,
      validateKey: acceptAnyKey,
    });
    const { engine, adminJson: admin } = scratch;
    try {
      for (let i = 0; i < 5; i++) {
        const base = engine.config.current;
        const [put, add] = await Promise.all([
          admin('PUT', '/admin/config', { ...base, routes: [...base.routes, route(`r${i}`)] }),
          admin('POST', '/admin/keys', {
            provider: 'groq',
            label: `key ${i}`,
            secret: `gsk_queue_test_secret_${i}_0123456789`,
          }),
        ]);
        expect([put.status, add.status]).toEqual([200, 200]);
      }
      const config = engine.config.current;
      expect(config.routes.map((r) => r.name)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
      expect(config.keys).toHaveLength(5);
      const onDisk = JSON.parse(await readFile(engine.configPath, 'utf8')) as Config;
      expect(onDisk.routes).toHaveLength(5);
      expect(onDisk.keys).toHaveLength(5);
    } finally {
      await scratch.close();
    }
  });
});
