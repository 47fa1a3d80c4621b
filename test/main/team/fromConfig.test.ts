// Team mode's references are resolved before the engine's log exists, so the log's secret mask
// holds the Redis password from the start; a reference that does not resolve is said once the
// team would start.
import { describe, expect, it } from 'vitest';
import {
  resolveTeamLink,
  startTeamFromLink,
  teamLinkSecrets,
  teamPasswordAccount,
} from '../../../main/team/fromConfig.ts';
import { MemoryKeychain } from '../keys/memoryKeychain.ts';

const PASSWORD = 'team-redis-password-0123';
const startOptions = (logs: string[]) => ({
  version: '0.1.0',
  clock: Date.now,
  secret: async () => 'never-used-secret',
  log: (line: string) => logs.push(line),
});

describe('resolveTeamLink', () => {
  it('without a team resolves to nothing, holds no secret and starts nothing', async () => {
    const link = await resolveTeamLink(undefined, {}, new MemoryKeychain());
    expect(link).toBeUndefined();
    expect(teamLinkSecrets(link)).toEqual([]);
    expect(await startTeamFromLink(link, startOptions([]))).toBeUndefined();
  });

  it('gives the password from the environment or the keychain to the mask', async () => {
    const keychain = new MemoryKeychain();
    keychain.items.set(teamPasswordAccount('acme'), PASSWORD);
    const fromKeychain = await resolveTeamLink(
      { redis: 'redis://127.0.0.1:1', name: 'acme', password: { keychain: true } },
      {},
      keychain,
    );
    const fromEnv = await resolveTeamLink(
      { redis: { env: 'SY_REDIS' }, name: 'acme', password: { env: 'SY_REDIS_PASSWORD' } },
      { SY_REDIS: 'redis://127.0.0.1:1', SY_REDIS_PASSWORD: PASSWORD },
      new MemoryKeychain(),
    );
    expect(teamLinkSecrets(fromKeychain)).toEqual([PASSWORD]);
    expect(teamLinkSecrets(fromEnv)).toEqual([PASSWORD]);
    expect(fromEnv).toMatchObject({ url: 'redis://127.0.0.1:1', password: PASSWORD });
  });

  it('a reference that does not resolve serves alone, and the log says why when the team would start', async () => {
    const keychain = new MemoryKeychain();
    keychain.mode = 'locked';
    const unset = await resolveTeamLink({ redis: { env: 'SY_REDIS' }, name: 'acme' }, {}, keychain);
    const locked = await resolveTeamLink(
      { redis: 'redis://127.0.0.1:1', name: 'acme', password: { keychain: true } },
      {},
      keychain,
    );
    const logs: string[] = [];
    expect(await startTeamFromLink(unset, startOptions(logs))).toBeUndefined();
    expect(await startTeamFromLink(locked, startOptions(logs))).toBeUndefined();
    expect(logs).toEqual([
      expect.stringMatching(/SY_REDIS that names the team's Redis is not set; serving alone/),
      expect.stringMatching(/could not read the Redis password: .*locked.*; serving alone/),
    ]);
    expect(teamLinkSecrets(locked)).toEqual([]);
  });
});
