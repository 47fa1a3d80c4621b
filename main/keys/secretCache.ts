import type { KeyMeta } from '../../app/config/schema.ts';
import type { ConfigStore } from '../config/configFile.ts';
import { KeyStoreError } from './keyErrors.ts';
import { KeychainError, type Keychain } from './keychain.ts';
import { keychainAccount } from './secretText.ts';

/**
 * The secrets of configured keys, read once: from the keychain (then kept in memory, so the
 * proxy's hot path does not go to the keychain per request) or from an environment variable.
 * One keychain read per key at a time, however many requests wait for it.
 */
export class SecretCache {
  readonly #keychain: Keychain;
  readonly #env: Record<string, string | undefined>;
  readonly #config: ConfigStore;
  readonly #missingListeners = new Set<(id: string) => void>();
  readonly #secrets = new Map<string, string>();
  readonly #reading = new Map<string, Promise<string>>();

  constructor(config: ConfigStore, keychain: Keychain, env: Record<string, string | undefined>) {
    this.#config = config;
    this.#keychain = keychain;
    this.#env = env;
    // A hand edit may remove a key or point it at an env variable: its cached secret must go.
    config.on('change', (next) => {
      for (const id of this.#secrets.keys()) {
        const key = next.keys.find((k) => k.id === id);
        if (!key || !('keychain' in key.secret)) this.#secrets.delete(id);
      }
    });
  }

  /** `listener` hears of each key whose secret the keychain turned out not to have. */
  onMissing(listener: (id: string) => void): void {
    this.#missingListeners.add(listener);
  }

  /** The secret of `key`; throws KeychainError or KeyStoreError (unset variable), each saying what to do. */
  read(key: KeyMeta): Promise<string> {
    const { id } = key;
    const cached = this.#secrets.get(id);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.#reading.get(id);
    if (pending) return pending;
    if ('env' in key.secret) {
      const value = this.#env[key.secret.env];
      if (!value) {
        return Promise.reject(
          new KeyStoreError(
            422,
            'env_not_set',
            `Key "${id}" reads the environment variable ${key.secret.env}, which is not set for Switchyard. Set it and restart, or store the key in the keychain.`,
          ),
        );
      }
      return Promise.resolve(value);
    }
    const reading = this.#keychain.get(keychainAccount(id)).then(
      (secret) => {
        if (this.#reading.get(id) === reading) this.#secrets.set(id, secret);
        this.#reading.delete(id);
        return secret;
      },
      (err: unknown) => {
        this.#reading.delete(id);
        if (err instanceof KeychainError && err.kind === 'not-found') {
          for (const listener of this.#missingListeners) listener(id);
          throw new KeychainError(
            'not-found',
            `The secret of key "${id}" (${key.provider}, "${key.label}") is not in the OS keychain. Replace it on the dashboard's Keys page or remove the key and add it again.`,
          );
        }
        throw err;
      },
    );
    this.#reading.set(id, reading);
    return reading;
  }

  /** Keeps a secret just written to the keychain; a read still under way is superseded. */
  set(id: string, secret: string): void {
    this.#reading.delete(id);
    this.#secrets.set(id, secret);
  }

  drop(id: string): void {
    this.#secrets.delete(id);
    this.#reading.delete(id);
  }

  /**
   * Every secret this cache can hand out right now: those read from the keychain and the values
   * of the environment variables that configured keys name. The engine masks all of them.
   */
  held(): string[] {
    const out = [...this.#secrets.values()];
    for (const key of this.#config.current.keys) {
      if (!('env' in key.secret)) continue;
      const value = this.#env[key.secret.env];
      if (value) out.push(value);
    }
    return out;
  }
}
