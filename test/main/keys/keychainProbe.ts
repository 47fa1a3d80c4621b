// Run by keychainStates.test.ts inside keyringState.sh: exercises the OS keychain in whatever state
// the wrapper left it, and prints one JSON line of what each call returned or threw, how long it
// took, and how long the main thread was ever blocked meanwhile.
import { createOsKeychain, KeychainError } from '../../../main/keys/keychain.ts';

const timeoutMs = Number(process.env.PROBE_TIMEOUT_MS ?? 1500);
const keychain = createOsKeychain({ service: 'switchyard-state', timeoutMs });

let maxLagMs = 0;
let last = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  maxLagMs = Math.max(maxLagMs, now - last - 20);
  last = now;
}, 20);

type Outcome =
  | { ok: true; value: unknown; ms: number }
  | { ok: false; kind: string; message: string; ms: number };

async function run(fn: () => Promise<unknown>): Promise<Outcome> {
  const started = performance.now();
  try {
    const value = await fn();
    return { ok: true, value, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      kind: err instanceof KeychainError ? err.kind : 'not-a-keychain-error',
      message: (err as Error).message,
      ms: Math.round(performance.now() - started),
    };
  }
}

const result = {
  getStored: await run(() => keychain.get('stored')),
  getMissing: await run(() => keychain.get('missing')),
  set: await run(() => keychain.set('new', 'sk-probe-secret-value')),
  delete: await run(() => keychain.delete('stored')),
  status: await run(() => keychain.status()),
  maxLagMs: 0,
};
result.maxLagMs = Math.round(maxLagMs);
clearInterval(lagTimer);
keychain.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
