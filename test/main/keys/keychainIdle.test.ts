// The keychain's thread stops after an idle spell and starts again on the next call. Runs against
// a private Secret Service (test/withSecretService.sh); the idle stop's timer is the test's own.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOsKeychain, type OsKeychain } from '../../../main/keys/keychain.ts';
import type { Timers } from '../../../main/timers.ts';
import { requireSecretService } from './secretService.ts';

/** Timers that only run when the test fires them. */
function manualTimers(): Timers & { due: Map<number, { ms: number; fire: () => void }> } {
  const due = new Map<number, { ms: number; fire: () => void }>();
  let next = 1;
  return {
    due,
    setTimeout(callback, ms) {
      const handle = next++;
      due.set(handle, {
        ms,
        fire: () => {
          due.delete(handle);
          callback();
        },
      });
      return handle;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };
}

describe('the OS keychain thread when idle', () => {
  const timers = manualTimers();
  const service = `switchyard-idle-${randomBytes(4).toString('hex')}`;
  let keychain: OsKeychain;

  beforeAll(() => {
    requireSecretService();
    keychain = createOsKeychain({ service, timeoutMs: 3000, idleMs: 60_000, timers });
  });
  afterAll(() => keychain?.close());

  it('starts with the first call, stops when its idle time passes, starts again for the next', async () => {
    expect(keychain.threadRunning).toBe(false);
    const secret = `sk-idle-${randomBytes(8).toString('hex')}`;
    await keychain.set('key:idle', secret);
    expect(keychain.threadRunning).toBe(true);
    expect([...timers.due.values()].map((t) => t.ms)).toEqual([60_000]);

    const [stop] = [...timers.due.values()];
    stop!.fire();
    expect(keychain.threadRunning).toBe(false);

    expect(await keychain.get('key:idle')).toBe(secret);
    expect(keychain.threadRunning).toBe(true);
    expect(await keychain.delete('key:idle')).toBe(true);
    expect(timers.due.size).toBe(1);
  });

  it('a call in flight cancels the idle stop; it is armed again when the queue empties', async () => {
    const armed = [...timers.due.keys()];
    const pending = keychain.delete('key:nobody');
    expect(armed.every((handle) => !timers.due.has(handle))).toBe(true);
    expect(timers.due.size).toBe(0);
    expect(await pending).toBe(false);
    expect(keychain.threadRunning).toBe(true);
    expect([...timers.due.values()].map((t) => t.ms)).toEqual([60_000]);
  });
});
