import { describe, expect, it } from 'vitest';
import { PROXY_KEY_ACCOUNT, resolveProxyKey } from '../../../main/keys/proxyKey.ts';
import { MemoryKeychain } from './memoryKeychain.ts';

describe('resolveProxyKey', () => {
  it('uses SWITCHYARD_PROXY_KEY when set, without touching the keychain', async () => {
    const keychain = new MemoryKeychain();
    keychain.mode = 'unavailable';
    const lines: string[] = [];
    const result = await resolveProxyKey(keychain, { SWITCHYARD_PROXY_KEY: 'sy-from-env' }, (l) =>
      lines.push(l),
    );
    expect(result).toEqual({ key: 'sy-from-env', source: 'env' });
    expect(keychain.gets).toBe(0);
    expect(lines).toEqual([]);
  });

  it('generates one on first run, stores it, and returns the same one on the next run', async () => {
    const keychain = new MemoryKeychain();
    const first = await resolveProxyKey(keychain, {}, () => undefined);
    expect(first.source).toBe('keychain');
    expect(first.key).toMatch(/^sy-[\w-]{32}$/);
    expect(keychain.items.get(PROXY_KEY_ACCOUNT)).toBe(first.key);
    expect(await resolveProxyKey(keychain, {}, () => undefined)).toEqual(first);
  });

  it.each(['unavailable', 'locked'] as const)(
    'with the keychain %s, makes a key for this run and says so in one log line',
    async (mode) => {
      const keychain = new MemoryKeychain();
      keychain.mode = mode;
      const lines: string[] = [];
      const a = await resolveProxyKey(keychain, {}, (l) => lines.push(l));
      const b = await resolveProxyKey(keychain, {}, () => undefined);
      expect(a.source).toBe('ephemeral');
      expect(a.key).not.toBe(b.key);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/this run has its own proxy key.*SWITCHYARD_PROXY_KEY/);
      expect(lines[0]).not.toContain(a.key);
    },
  );
});
