import { randomBytes } from 'node:crypto';
import { KeychainError, type Keychain } from './keychain.ts';

/** The keychain account of the local proxy key. */
export const PROXY_KEY_ACCOUNT = 'proxy-key';

export type ResolvedProxyKey = { key: string; source: 'env' | 'keychain' | 'ephemeral' };

/** A new proxy key: `sy-` and 32 random base64url characters. */
export function generateProxyKey(): string {
  return `sy-${randomBytes(24).toString('base64url')}`;
}

/**
 * The local proxy key tools send as their API key. SWITCHYARD_PROXY_KEY wins; otherwise the one
 * in the keychain, made on first run. With no usable keychain a fresh key is made for this run
 * only, and the log says so (tools then need the new key after each restart).
 */
export async function resolveProxyKey(
  keychain: Keychain,
  env: Record<string, string | undefined>,
  log: (message: string) => void,
): Promise<ResolvedProxyKey> {
  const fromEnv = env.SWITCHYARD_PROXY_KEY;
  if (fromEnv) return { key: fromEnv, source: 'env' };
  try {
    return { key: await keychain.get(PROXY_KEY_ACCOUNT), source: 'keychain' };
  } catch (err) {
    if (!(err instanceof KeychainError) || err.kind !== 'not-found') {
      return ephemeral(err, log);
    }
  }
  const key = generateProxyKey();
  try {
    await keychain.set(PROXY_KEY_ACCOUNT, key);
    return { key, source: 'keychain' };
  } catch (err) {
    return ephemeral(err, log, key);
  }
}

function ephemeral(
  err: unknown,
  log: (message: string) => void,
  key = generateProxyKey(),
): ResolvedProxyKey {
  log(
    `proxy key: could not use the OS keychain, so this run has its own proxy key and tools must be given the new one after every restart (or set SWITCHYARD_PROXY_KEY). ${(err as Error).message}`,
  );
  return { key, source: 'ephemeral' };
}
