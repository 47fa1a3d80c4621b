import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyStatusEvent } from '../../../app/admin/events.ts';
import { keyEnvOf } from '../../../app/catalog/keyEnv.ts';
import { ConfigStore } from '../../../main/config/configFile.ts';
import { loadShippedCatalog } from '../../../main/engine/providerDirectory.ts';
import { DEFAULT_CATALOG_PATH } from '../../../main/proxy/proxyService.ts';
import { createConfigUpdater } from '../../../main/keys/configUpdates.ts';
import { KeychainError } from '../../../main/keys/keychain.ts';
import { parseDotenv } from '../../../main/keys/dotenv.ts';
import { KeyStoreError } from '../../../main/keys/keyErrors.ts';
import type { KeyValidation, ValidateKey } from '../../../main/keys/keyStatus.ts';
import { KeyStore } from '../../../main/keys/keyStore.ts';
import { SecretCache } from '../../../main/keys/secretCache.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { sqliteKeyStateStore } from '../../../main/store/keyState.ts';
import { MemoryKeychain } from './memoryKeychain.ts';

const KEY_ENV = keyEnvOf(loadShippedCatalog(DEFAULT_CATALOG_PATH));

const GOOD = 'gsk_live_0123456789abcdefWXYZ';
const OTHER = 'gsk_live_9876543210fedcbaQRST';
const BAD = 'gsk_wrong_000000000000000000';

/** The validator double: a provider that accepts GOOD and OTHER, refuses BAD, and is down for "down". */
const validateKey: ValidateKey = async (provider, secret): Promise<KeyValidation> => {
  if (provider === 'down')
    return { outcome: 'unreachable', message: 'down did not answer', latencyMs: null };
  if (secret === BAD)
    return { outcome: 'invalid', message: '401: the key was refused.', latencyMs: 12 };
  return { outcome: 'ok', message: `${provider} answered: 3 models`, latencyMs: 12 };
};

let dir: string;
let config: ConfigStore;
let keychain: MemoryKeychain;
let db: DatabaseSync;
let events: KeyStatusEvent[];
let env: Record<string, string | undefined>;

function makeStore(secrets?: SecretCache): KeyStore {
  const store = new KeyStore({
    config,
    secrets,
    update: createConfigUpdater(config),
    keychain,
    validateKey,
    env,
    keyEnv: () => KEY_ENV,
    state: sqliteKeyStateStore(db),
    now: () => Date.parse('2026-01-02T03:04:05Z'),
  });
  store.onStatus((event) => events.push(event));
  return store;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-keys-'));
  config = await ConfigStore.open(join(dir, 'config.json'));
  keychain = new MemoryKeychain();
  db = openDatabase(join(dir, 'switchyard.db'));
  events = [];
  env = {};
});
afterEach(async () => {
  config.close();
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('KeyStore.add', () => {
  it('validates, stores the secret in the keychain and only metadata in the config', async () => {
    const store = makeStore();
    const { key, test } = await store.add({ provider: 'groq', label: 'personal', secret: GOOD });
    expect(test).toEqual({
      outcome: 'ok',
      message: 'groq answered: 3 models',
      latencyMs: 12,
      testedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(key).toEqual({
      id: 'groq-1',
      provider: 'groq',
      label: 'personal',
      last4: 'WXYZ',
      tier: 'free',
      source: 'keychain',
      status: 'ok',
      createdAt: '2026-01-02T03:04:05.000Z',
      lastTest: test,
    });
    expect(keychain.items.get('key:groq-1')).toBe(GOOD);
    const file = await readFile(config.path, 'utf8');
    expect(file).not.toContain(GOOD);
    expect(JSON.parse(file).keys).toEqual([
      {
        id: 'groq-1',
        provider: 'groq',
        label: 'personal',
        secret: { keychain: true },
        tier: 'free',
        last4: 'WXYZ',
        createdAt: '2026-01-02T03:04:05.000Z',
      },
    ]);
  });

  it('numbers keys per provider and keeps concurrent adds', async () => {
    const store = makeStore();
    const [a, b] = await Promise.all([
      store.add({ provider: 'groq', label: 'a', secret: GOOD }),
      store.add({ provider: 'groq', label: 'b', secret: OTHER }),
    ]);
    expect([a.key.id, b.key.id].sort()).toEqual(['groq-1', 'groq-2']);
    expect(config.current.keys.map((k) => k.id).sort()).toEqual(['groq-1', 'groq-2']);
  });

  it('refuses a key the provider rejects, storing nothing, and says what to check', async () => {
    const store = makeStore();
    const err = await store
      .add({ provider: 'groq', label: 'x', secret: BAD })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyStoreError);
    expect(err).toMatchObject({ status: 422, code: 'key_refused' });
    expect((err as Error).message).toMatch(
      /401: the key was refused\. Check that you copied all of it/,
    );
    expect((err as Error).message).not.toContain(BAD);
    expect(keychain.items.size).toBe(0);
    expect(config.current.keys).toEqual([]);
  });

  it('keeps a key it could not check, as untested, and shows why', async () => {
    const store = makeStore();
    const { key, test } = await store.add({ provider: 'down', label: 'x', secret: GOOD });
    expect(test.outcome).toBe('unreachable');
    expect(key.status).toBe('untested');
  });

  it('with a locked keychain, fails with the locked message and writes no metadata', async () => {
    keychain.mode = 'locked';
    const store = makeStore();
    await expect(store.add({ provider: 'groq', label: 'x', secret: GOOD })).rejects.toMatchObject({
      kind: 'locked',
    });
    expect(config.current.keys).toEqual([]);
  });

  it('adds an env reference without copying the variable into the config', async () => {
    env.GROQ_API_KEY = GOOD;
    const store = makeStore();
    const { key } = await store.add({ provider: 'groq', label: 'from env', env: 'GROQ_API_KEY' });
    expect(key).toMatchObject({
      source: 'env',
      envName: 'GROQ_API_KEY',
      last4: 'WXYZ',
      status: 'ok',
    });
    expect(config.current.keys[0]?.secret).toEqual({ env: 'GROQ_API_KEY' });
    expect(await readFile(config.path, 'utf8')).not.toContain(GOOD);
    expect(keychain.items.size).toBe(0);
    expect(await store.resolveSecret(key.id)).toBe(GOOD);
  });

  it('adds an env reference whose variable is unset, as missing', async () => {
    const store = makeStore();
    const { key, test } = await store.add({
      provider: 'groq',
      label: 'later',
      env: 'GROQ_API_KEY',
    });
    expect(test.outcome).toBe('skipped');
    expect(key.status).toBe('missing');
    await expect(store.resolveSecret(key.id)).rejects.toMatchObject({ code: 'env_not_set' });
  });
});

describe('KeyStore.resolveSecret', () => {
  it('reads the keychain once, then serves the secret from memory', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    const fresh = makeStore();
    keychain.gets = 0;
    const [a, b] = await Promise.all([
      fresh.resolveSecret('groq-1'),
      fresh.resolveSecret('groq-1'),
    ]);
    expect([a, b]).toEqual([GOOD, GOOD]);
    await fresh.resolveSecret('groq-1');
    expect(keychain.gets).toBe(1);
  });

  it('serves the new secret after replace, and nothing after remove', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    expect(await store.resolveSecret('groq-1')).toBe(GOOD);
    const replaced = await store.replace('groq-1', OTHER);
    expect(replaced.key.last4).toBe('QRST');
    expect(await store.resolveSecret('groq-1')).toBe(OTHER);
    expect(keychain.items.get('key:groq-1')).toBe(OTHER);
    await store.remove('groq-1');
    expect(keychain.items.has('key:groq-1')).toBe(false);
    await expect(store.resolveSecret('groq-1')).rejects.toMatchObject({ status: 404 });
  });

  it('reads a variable once, and again after the config changes, even when a key moves to the keychain', async () => {
    env.GROQ_API_KEY = GOOD;
    const secrets = new SecretCache(config, keychain, env);
    const store = makeStore(secrets);
    await store.add({ provider: 'groq', label: 'env', env: 'GROQ_API_KEY' });
    expect(await store.resolveSecret('groq-1')).toBe(GOOD);
    env.GROQ_API_KEY = OTHER;
    expect(await store.resolveSecret('groq-1')).toBe(GOOD);
    expect(secrets.held()).toContain(GOOD);

    // One hand edit: the same id now names a keychain secret.
    keychain.items.set('key:groq-1', BAD);
    await createConfigUpdater(config)((c) => ({
      ...c,
      keys: c.keys.map((k) => ({ ...k, secret: { keychain: true } })),
    }));
    expect(await store.resolveSecret('groq-1')).toBe(BAD);
    expect(secrets.held()).toEqual([BAD]);
  });

  it('never reads a locked keychain as "no key"', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    const fresh = makeStore();
    keychain.mode = 'locked';
    const err = await fresh.resolveSecret('groq-1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainError);
    expect((err as KeychainError).kind).toBe('locked');
    expect(fresh.view('groq-1')?.status).toBe('ok');
  });

  it('marks a key whose secret vanished from the keychain as missing, and says so', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    keychain.items.clear();
    const fresh = makeStore();
    await expect(fresh.resolveSecret('groq-1')).rejects.toThrow(
      /The secret of key "groq-1" \(groq, "a"\) is not in the OS keychain/,
    );
    expect(fresh.view('groq-1')?.status).toBe('missing');
  });
});

describe('a key that could not be added', () => {
  it('says so, and how to remove its secret by hand, when the keychain will not give it back', async () => {
    const logged: string[] = [];
    // The keychain takes the secret, then fails when asked to remove it again.
    keychain.delete = async () => {
      throw new KeychainError('unavailable', 'the Secret Service stopped answering');
    };
    const store = new KeyStore({
      config,
      update: () => Promise.reject(new Error('The config file could not be written: disk full.')),
      keychain,
      validateKey,
      env,
      keyEnv: () => KEY_ENV,
      log: (message) => logged.push(message),
    });
    const failure = store.add({ provider: 'groq', label: 'main', secret: GOOD });
    await expect(failure).rejects.toThrow(/disk full/);
    await expect(failure).rejects.toThrow(
      /could not be removed from the OS keychain.*secret-tool clear service switchyard account key:groq-1/s,
    );
    expect(keychain.items.has('key:groq-1')).toBe(true);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/key:groq-1.*Secret Service stopped answering/);
    expect(logged.join('\n')).not.toContain(GOOD);
  });
});

describe('KeyStore status, test and remove', () => {
  it('markStatus persists across a restart and emits one event per change', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    events.length = 0;
    store.markStatus('groq-1', 'invalid', '401 from groq');
    store.markStatus('groq-1', 'invalid', '401 again');
    expect(events).toEqual([
      {
        id: 'groq-1',
        provider: 'groq',
        status: 'invalid',
        previous: 'ok',
        reason: '401 from groq',
      },
    ]);
    expect(makeStore().view('groq-1')?.status).toBe('invalid');
  });

  it('test() validates the stored secret and records the result', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    store.markStatus('groq-1', 'invalid');
    const { key, test } = await store.test('groq-1');
    expect(test.outcome).toBe('ok');
    expect(key.status).toBe('ok');
    expect(key.lastTest).toEqual(test);
  });

  it('refuses to remove a key a route names, listing the route', async () => {
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'a', secret: GOOD });
    await config.write({
      ...config.current,
      routes: [
        {
          name: 'fast',
          targets: [{ provider: 'groq', model: 'llama', key: 'groq-1' }],
          onLimit: { mode: 'spill' },
          privacy: 'standard',
        },
      ],
    });
    await expect(store.remove('groq-1')).rejects.toThrow(/named by route "fast"/);
    expect(keychain.items.has('key:groq-1')).toBe(true);
  });

  it('refuses to replace an env key', async () => {
    env.GROQ_API_KEY = GOOD;
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'env', env: 'GROQ_API_KEY' });
    await expect(store.replace('groq-1', OTHER)).rejects.toMatchObject({
      status: 409,
      code: 'key_from_env',
    });
  });
});

describe('importing keys from the environment and .env files', () => {
  it('lists the usual variables that are set, and .env entries that look like keys', async () => {
    env.GROQ_API_KEY = GOOD;
    env.HOME = '/home/someone';
    const store = makeStore();
    const candidates = store.importCandidates({
      OPENAI_API_KEY: 'sk-proj-aaaaaaaaaaaaaaaaaaaa1234',
      MY_SERVICE_TOKEN: 'tok-abcdefgh5678',
      DEBUG: 'true',
    });
    expect(candidates).toEqual([
      { name: 'GROQ_API_KEY', provider: 'groq', source: 'env', last4: 'WXYZ', alreadyAdded: false },
      {
        name: 'OPENAI_API_KEY',
        provider: 'openai',
        source: 'dotenv',
        last4: '1234',
        alreadyAdded: false,
      },
      {
        name: 'MY_SERVICE_TOKEN',
        provider: null,
        source: 'dotenv',
        last4: '5678',
        alreadyAdded: false,
      },
    ]);
  });

  it('imports into the keychain, never writing an env reference or the secret to the config', async () => {
    env.GROQ_API_KEY = GOOD;
    env.OPENAI_API_KEY = OTHER;
    const store = makeStore();
    const results = await store.importFromEnv([
      'GROQ_API_KEY',
      'OPENAI_API_KEY',
      'MISTRAL_API_KEY',
    ]);
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['GROQ_API_KEY', 'imported'],
      ['OPENAI_API_KEY', 'imported'],
      ['MISTRAL_API_KEY', 'failed'],
    ]);
    expect(config.current.keys.map((k) => [k.id, k.tier, k.secret])).toEqual([
      ['groq-1', 'free', { keychain: true }],
      ['openai-1', 'paid', { keychain: true }],
    ]);
    expect(keychain.items.get('key:openai-1')).toBe(OTHER);
    const file = await readFile(config.path, 'utf8');
    expect(file).not.toContain(GOOD);
    expect(file).not.toContain(OTHER);
    expect(file).not.toContain('"env"');
    const again = await store.importFromEnv(['GROQ_API_KEY']);
    expect(again[0]).toMatchObject({ outcome: 'skipped' });
    expect(store.importCandidates().find((c) => c.name === 'GROQ_API_KEY')?.alreadyAdded).toBe(
      true,
    );
  });

  it('imports from parsed .env values with an explicit provider', async () => {
    const store = makeStore();
    const values = parseDotenv(`CUSTOM_LLM_KEY="${GOOD}"\n`);
    const [result] = await store.importFromEnv(
      [{ name: 'CUSTOM_LLM_KEY', provider: 'my-llm', tier: 'paid' }],
      values,
    );
    expect(result).toMatchObject({
      outcome: 'imported',
      key: { id: 'my-llm-1', tier: 'paid', last4: 'WXYZ' },
    });
  });

  it('a saved config keeps env references as references', async () => {
    env.GROQ_API_KEY = GOOD;
    const store = makeStore();
    await store.add({ provider: 'groq', label: 'env', env: 'GROQ_API_KEY' });
    await store.add({ provider: 'mistral', label: 'kc', secret: OTHER });
    await store.resolveSecret('groq-1');
    await createConfigUpdater(config)((c) => ({
      ...c,
      settings: { ...c.settings, logBodies: true },
    }));
    const saved = JSON.parse(await readFile(config.path, 'utf8'));
    expect(saved.keys[0].secret).toEqual({ env: 'GROQ_API_KEY' });
    expect(saved.keys[1].secret).toEqual({ keychain: true });
  });
});

describe('parseDotenv', () => {
  it('reads the forms .env files use', () => {
    const text = [
      '# comment',
      'PLAIN=abc123',
      'export EXPORTED=xyz',
      '  SPACED  =  padded value  ',
      'INLINE=value # a comment',
      "SINGLE='keeps \\n and # literally'",
      'DOUBLE="line1\\nline2 \\"quoted\\""',
      'MULTI="first',
      'second"',
      'EMPTY=',
      'HASH=abc#def',
      'not a line',
      'WINDOWS=crlf\r',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      PLAIN: 'abc123',
      EXPORTED: 'xyz',
      SPACED: 'padded value',
      INLINE: 'value',
      SINGLE: 'keeps \\n and # literally',
      DOUBLE: 'line1\nline2 "quoted"',
      MULTI: 'first\nsecond',
      EMPTY: '',
      HASH: 'abc#def',
      WINDOWS: 'crlf',
    });
  });
});
