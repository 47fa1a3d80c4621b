import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../../app/config/jsonSchema.ts';
import { migrateConfig, type Migration } from '../../../app/config/migrations.ts';
import { parseConfigText, parseConfigValue } from '../../../app/config/parse.ts';
import { CONFIG_VERSION, defaultConfig, SettingsSchema } from '../../../app/config/schema.ts';

describe('config schema', () => {
  it('accepts the default config and fills defaults', () => {
    const result = parseConfigValue({ version: CONFIG_VERSION });
    expect(result).toMatchObject({ ok: true, config: defaultConfig() });
    if (result.ok) expect(result.config.settings.maxBodyBytes).toBe(8 * 1024 * 1024);
  });

  it('names the field and the fix for each problem', () => {
    const result = parseConfigValue({
      version: 1,
      routes: [{ name: 'fast', targets: [{ provider: 'Groq!', model: '' }] }],
      keys: [{ id: 'k1', provider: 'groq', label: 'main', secret: { env: 'not a name' } }],
      colour: 'blue',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^routes\[0\]\.targets\[0\]\.provider: provider must be lower-case/),
        expect.stringMatching(/^routes\[0\]\.targets\[0\]\.model: model must not be empty/),
        expect.stringMatching(/^\(top level\): unknown field "colour": remove it/),
      ]),
    );
    expect(result.errors.some((e) => e.startsWith('keys[0].secret'))).toBe(true);
  });

  it('refuses a route target that names a key that does not exist', () => {
    const result = parseConfigValue({
      version: 1,
      routes: [{ name: 'fast', targets: [{ provider: 'groq', model: 'llama', key: 'nope' }] }],
    });
    expect(result).toEqual({
      ok: false,
      errors: [expect.stringContaining('routes[0].targets[0].key: no key with id "nope"')],
      issues: [
        {
          path: 'routes[0].targets[0].key',
          message: expect.stringMatching(/^no key with id "nope"/),
        },
      ],
    });
  });

  it('takes a team by URL or environment variable, and refuses a password written in the URL', () => {
    const byUrl = parseConfigValue({
      version: 1,
      team: { redis: 'redis://10.0.0.5:6379', name: 'acme', password: { env: 'TEAM_PW' } },
    });
    expect(byUrl.ok).toBe(true);
    const byEnv = parseConfigValue({
      version: 1,
      team: { redis: { env: 'TEAM_REDIS' }, name: 'acme' },
    });
    expect(byEnv.ok).toBe(true);
    const leaked = parseConfigValue({
      version: 1,
      team: { redis: 'redis://:hunter2@10.0.0.5:6379', name: 'acme' },
    });
    expect(leaked.ok).toBe(false);
    if (!leaked.ok) {
      expect(leaked.errors.join('\n')).toMatch(/team\.redis.*must not hold a password/);
      expect(leaked.errors.join('\n')).not.toContain('hunter2');
    }
  });

  it('reports broken JSON with a way out', () => {
    const result = parseConfigText('{"version": 1,');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/not valid JSON.*Fix the syntax/);
  });

  it('never stores a secret: a key is a reference to the keychain or an env var', () => {
    const literal = parseConfigValue({
      version: 1,
      keys: [{ id: 'k', provider: 'groq', label: 'x', secret: 'gsk_live_123' }],
    });
    expect(literal.ok).toBe(false);
  });
});

describe('config migrations', () => {
  const migrations: Record<number, Migration> = {
    1: (c) => ({ ...c, renamed: c.old, old: undefined }),
    2: (c) => ({ ...c, added: true }),
  };

  it('runs each step from the file version up to the target', () => {
    expect(migrateConfig({ version: 1, old: 'x' }, migrations, 3)).toEqual({
      ok: true,
      from: 1,
      config: { version: 3, renamed: 'x', old: undefined, added: true },
    });
  });

  it('treats a file without a version as version 1', () => {
    const result = migrateConfig({}, migrations, 3);
    expect(result).toMatchObject({ ok: true, from: 1 });
  });

  it('refuses a file from a newer Switchyard instead of guessing', () => {
    const result = migrateConfig({ version: 9 }, migrations, 3);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/newer Switchyard/) });
  });

  it('refuses a gap in the migration chain', () => {
    expect(migrateConfig({ version: 1 }, { 1: (c) => c }, 3)).toEqual({
      ok: false,
      message: 'version: no migration from 2 to 3',
    });
  });
});

describe('config JSON Schema', () => {
  it('ships in resources/ exactly as generated from the zod schema', () => {
    const shipped = JSON.parse(
      readFileSync(new URL('../../../resources/config.schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(configJsonSchema());
  });
});

describe('settings.allowedOrigins', () => {
  it.each(['https://app.example', 'http://localhost:5173', 'http://127.0.0.1:8080'])(
    'takes the exact origin %s',
    (origin) => {
      expect(SettingsSchema.parse({ allowedOrigins: [origin] }).allowedOrigins).toEqual([origin]);
    },
  );

  it.each([
    '*',
    'https://*.example',
    'https://app.example/',
    'https://app.example/path',
    'app.example',
    'ftp://app.example',
    'https://APP.example',
    'null',
    'https://user@app.example',
  ])('refuses %s', (origin) => {
    expect(SettingsSchema.safeParse({ allowedOrigins: [origin] }).success).toBe(false);
  });

  it('is empty by default', () => {
    expect(SettingsSchema.parse({}).allowedOrigins).toEqual([]);
  });
});
