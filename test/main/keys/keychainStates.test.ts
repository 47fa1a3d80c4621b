import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyKeyringError,
  createOsKeychain,
  KeychainError,
  type Keychain,
} from '../../../main/keys/keychain.ts';
import { requireSecretService } from './secretService.ts';

const WRAPPER = fileURLToPath(new URL('./keyringState.sh', import.meta.url));
const PROBE = fileURLToPath(new URL('./keychainProbe.ts', import.meta.url));

type Outcome =
  | { ok: true; value: unknown; ms: number }
  | { ok: false; kind: string; message: string; ms: number };
type ProbeResult = {
  getStored: Outcome;
  getMissing: Outcome;
  set: Outcome;
  delete: Outcome;
  status: Outcome;
  maxLagMs: number;
};

/** Runs keychainProbe.ts with the keychain in `state`, via keyringState.sh. */
function probe(state: string, timeoutMs = 1500): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(WRAPPER, [state, process.execPath, PROBE], {
      env: { ...process.env, PROBE_TIMEOUT_MS: String(timeoutMs) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as ProbeResult);
      } catch {
        reject(new Error(`probe in state ${state} exited ${code} without a result: ${out} ${err}`));
      }
    });
  });
}

function failure(outcome: Outcome): { kind: string; message: string; ms: number } {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('classifyKeyringError (messages @napi-rs/keyring 2.1.2 gave on this machine)', () => {
  it.each([
    [
      "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
      'get',
      'locked',
    ],
    [
      'zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object',
      'get',
      'locked',
    ],
    [
      'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
      'get',
      'unavailable',
    ],
    [
      'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
      'set',
      'unavailable',
    ],
    [
      'Platform failure: DBus error: Failed to connect to socket /tmp/x: No such file or directory',
      'get',
      'unavailable',
    ],
    ["Couldn't access platform storage: Secret Service: no result found", 'set', 'unavailable'],
    [
      'Platform failure: DBus error: Did not receive a reply. Possible causes include: the remote application did not send a reply',
      'get',
      'timeout',
    ],
    ['something nobody has seen before', 'get', 'failed'],
  ] as const)('%s → %s', (message, op, kind) => {
    expect(classifyKeyringError(message, op).kind).toBe(kind);
  });
});

describe('the OS keychain in broken states fails fast, with the right kind and advice', () => {
  for (const { title, state, kind, says } of [
    {
      title: 'locked: every call says locked, a missing key included, within a second',
      state: 'locked',
      kind: 'locked',
      says: [/is locked.*gnome-keyring-daemon --unlock/s],
    },
    {
      title:
        'a session bus without a Secret Service: unavailable, saying how to get one and that env keys work',
      state: 'no-service',
      kind: 'unavailable',
      says: [
        /no Secret Service .* runs on the D-Bus session bus/,
        /apt-get install gnome-keyring/,
        /environment variables .* still work/,
      ],
    },
  ] as const)
    it(title, async () => {
      const result = await probe(state);
      for (const call of [result.getStored, result.getMissing, result.set, result.delete]) {
        const err = failure(call);
        expect(err.kind).toBe(kind);
        expect(err.ms).toBeLessThan(1000);
        for (const pattern of says) expect(err.message).toMatch(pattern);
      }
      expect(result.status).toMatchObject({ ok: true, value: { state: kind } });
    });

  it('a frozen keyring daemon: every call times out at the limit, and the main thread never stalls', async () => {
    const result = await probe('stopped', 800);
    for (const call of [result.getStored, result.getMissing, result.set, result.delete]) {
      const err = failure(call);
      expect(err.kind).toBe('timeout');
      expect(err.ms).toBeGreaterThanOrEqual(790);
      expect(err.ms).toBeLessThan(1500);
      expect(err.message).toMatch(/did not answer within 0\.8 s.*unlock it in a dialog/s);
    }
    expect(result.maxLagMs).toBeLessThan(200);
  });

  it('no D-Bus session at all: unavailable, naming DBUS_SESSION_BUS_ADDRESS', async () => {
    const result = await probe('no-bus');
    const err = failure(result.getStored);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toMatch(/DBUS_SESSION_BUS_ADDRESS is not set/);
    expect(failure(result.set).kind).toBe('unavailable');
  });
});

describe('the OS keychain, working (private Secret Service)', () => {
  let keychain: Keychain;
  const service = `switchyard-test-${randomBytes(4).toString('hex')}`;

  beforeAll(() => {
    requireSecretService();
    keychain = createOsKeychain({ service, timeoutMs: 3000 });
  });
  afterAll(() => keychain?.close());

  it('stores, reads, lists in secret-tool, and deletes a secret', async () => {
    const secret = `sk-test-${randomBytes(12).toString('hex')}`;
    await keychain.set('key:one', secret);
    expect(await keychain.get('key:one')).toBe(secret);
    const shown = execFileSync(
      'secret-tool',
      ['lookup', 'service', service, 'username', 'key:one'],
      {
        encoding: 'utf8',
      },
    );
    expect(shown === secret).toBe(true);
    expect(await keychain.delete('key:one')).toBe(true);
    expect(await keychain.delete('key:one')).toBe(false);
    await expect(keychain.get('key:one')).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('reports ok with the backend and service', async () => {
    const status = await keychain.status();
    expect(status).toEqual({
      state: 'ok',
      backend: 'Secret Service',
      message: `Keys are stored in the Secret Service, under the service "${service}".`,
    });
  });

  it('a missing key is a KeychainError of kind not-found that says what to do', async () => {
    const err = await keychain.get('key:nobody').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainError);
    expect((err as KeychainError).message).toMatch(/switchyard keys add/);
  });
});
