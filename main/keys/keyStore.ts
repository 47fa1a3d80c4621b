import type { KeyStatusEvent } from '../../app/admin/events.ts';
import type {
  ImportCandidate,
  ImportResult,
  KeyAddResult,
  KeyStatus,
  KeyTestResult,
  KeyView,
} from '../../app/admin/types.ts';
import type { KeyEnvEntry } from '../../app/catalog/keyEnv.ts';
import type { KeyMeta } from '../../app/config/schema.ts';
import { keyWithId } from '../../app/routing/targets.ts';
import type { ConfigStore } from '../config/configFile.ts';
import type { KeyStateStore } from '../store/keyState.ts';
import { BaseUrlConfirmation, type BaseUrlOf } from './baseUrlConfirmation.ts';
import type { ConfigUpdater } from './configUpdates.ts';
import { KeyStoreError, SecretLeftBehindError } from './keyErrors.ts';
import { importCandidates, importKeys, type ImportContext, type ImportItem } from './keyImport.ts';
import type { Keychain } from './keychain.ts';
import { KeyStatuses, refuseInvalid, runKeyTest, type ValidateKey } from './keyStatus.ts';
import { SecretCache } from './secretCache.ts';
import { keychainAccount, lastFour, scrub } from './secretText.ts';

export type NewKey = {
  provider: string;
  label: string;
  tier?: 'free' | 'paid';
} & ({ secret: string; env?: undefined } | { env: string; secret?: undefined });

export type KeyStoreOptions = {
  config: ConfigStore;
  update: ConfigUpdater;
  keychain: Keychain;
  validateKey: ValidateKey;
  env?: Record<string, string | undefined>;
  state?: KeyStateStore;
  /** Env variable name to provider (and suggested tier), from the catalog's `keyEnv` lists (app/catalog/keyEnv.ts). */
  keyEnv: () => Readonly<Record<string, KeyEnvEntry>>;
  now?: () => number;
  /**
   * The cache of the keys' secrets. The engine builds it before the store, so the secret mask
   * covers these secrets from the start; a store builds its own without it.
   */
  secrets?: SecretCache;
  /** The engine's log, for what the person must hear of even when no one is looking (an orphaned secret). */
  log?: (message: string) => void;
  baseUrlOf?: BaseUrlOf;
};

/** Who supplied the secret of a key being added: the caller typed it, or the engine holds it. */
type SecretOrigin = 'caller' | 'engine';

/**
 * Provider keys: metadata in the config, secrets in the OS keychain (or an environment variable)
 * behind a SecretCache, status in KeyStatuses, addresses checked by BaseUrlConfirmation. This
 * class is the sequence of each key operation; each of those holds one fact.
 */
export class KeyStore {
  readonly #config: ConfigStore;
  readonly #update: ConfigUpdater;
  readonly #keychain: Keychain;
  readonly #validate: ValidateKey;
  readonly #env: Record<string, string | undefined>;
  readonly #keyEnv: KeyStoreOptions['keyEnv'];
  readonly #now: () => number;
  readonly #log: (message: string) => void;
  readonly #secrets: SecretCache;
  readonly #statuses: KeyStatuses;
  readonly #addresses: BaseUrlConfirmation;
  readonly #reservedIds = new Set<string>();

  constructor(options: KeyStoreOptions) {
    this.#config = options.config;
    this.#update = options.update;
    this.#keychain = options.keychain;
    this.#validate = options.validateKey;
    this.#env = options.env ?? process.env;
    this.#keyEnv = options.keyEnv;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => undefined);
    this.#statuses = new KeyStatuses(options.state);
    this.#addresses = new BaseUrlConfirmation(options.baseUrlOf);
    this.#secrets = options.secrets ?? new SecretCache(options.config, options.keychain, this.#env);
    this.#secrets.onMissing((id) =>
      this.markStatus(id, 'missing', 'its secret is not in the OS keychain'),
    );
  }

  /** `listener` hears of every change of a key's status from now on (the event stream, the limiter, discovery). */
  onStatus(listener: (event: KeyStatusEvent) => void): void {
    this.#statuses.onStatus(listener);
  }

  list(): KeyView[] {
    return this.#config.current.keys.map((key) => this.#view(key));
  }

  view(id: string): KeyView | undefined {
    const key = this.#config.current.keys.find((k) => k.id === id);
    return key ? this.#view(key) : undefined;
  }

  /** Adds a key after validating it; a key the provider refuses (401/403) is not stored. */
  async add(input: NewKey, origin: SecretOrigin = 'caller'): Promise<KeyAddResult> {
    const id = this.#newId(input.provider);
    const confirmedBaseUrl = this.#addresses.forNewKey(
      input.provider,
      input.secret !== undefined && origin === 'caller',
    );
    const held =
      confirmedBaseUrl === null
        ? undefined
        : this.#addresses.heldBack(input.provider, confirmedBaseUrl, this.#now());
    // An id can be reused after a key was removed by hand; its old status is not this key's.
    this.#statuses.reset(id);
    try {
      const base = {
        id,
        provider: input.provider,
        label: input.label,
        tier: input.tier ?? 'free',
        createdAt: new Date(this.#now()).toISOString(),
        ...(confirmedBaseUrl === null ? {} : { confirmedBaseUrl }),
      } as const;
      if (input.secret !== undefined) {
        const test = held ?? (await this.#test(input.provider, input.secret));
        refuseInvalid(test);
        await this.#keychain.set(keychainAccount(id), input.secret);
        const meta: KeyMeta = {
          ...base,
          secret: { keychain: true },
          last4: lastFour(input.secret),
        };
        await this.#writeNewKeyOrClean(meta, input.secret);
        this.#secrets.set(id, input.secret);
        this.#statuses.recordTest(id, input.provider, test);
        return { key: this.#view(meta), test };
      }
      const value = this.#env[input.env];
      const test: KeyTestResult = value
        ? (held ?? (await this.#test(input.provider, value)))
        : {
            outcome: 'skipped',
            message: `${input.env} is not set in Switchyard's environment; the key works once it is.`,
            latencyMs: null,
            testedAt: new Date(this.#now()).toISOString(),
          };
      refuseInvalid(test);
      const meta: KeyMeta = { ...base, secret: { env: input.env } };
      await this.#update((config) => ({ ...config, keys: [...config.keys, meta] }));
      this.#statuses.recordTest(id, input.provider, test);
      return { key: this.#view(meta), test };
    } finally {
      this.#reservedIds.delete(id);
    }
  }

  /** Puts a new secret under an existing keychain key, after validating it. */
  async replace(id: string, secret: string): Promise<KeyAddResult> {
    const key = this.#find(id);
    if (!('keychain' in key.secret)) {
      throw new KeyStoreError(
        409,
        'key_from_env',
        `Key "${id}" is read from the environment variable ${key.secret.env}; change the variable, or import it into the keychain as a new key.`,
      );
    }
    this.#addresses.refuseUnconfirmed(key);
    const test = await this.#test(key.provider, secret);
    refuseInvalid(test);
    await this.#keychain.set(keychainAccount(id), secret);
    this.#secrets.set(id, secret);
    const written = await this.#update((config) => ({
      ...config,
      keys: config.keys.map((k) => (k.id === id ? { ...k, last4: lastFour(secret) } : k)),
    }));
    this.#statuses.recordTest(id, key.provider, test);
    const meta = written.keys.find((k) => k.id === id) ?? key;
    return { key: this.#view(meta), test };
  }

  /** Deletes a key: its secret from the keychain first, so a failure never leaves an orphaned secret. */
  async remove(id: string): Promise<void> {
    const key = this.#find(id);
    const users = this.#config.current.routes.flatMap((route) =>
      route.targets.some((t) => t.key === id) ? [route.name] : [],
    );
    if (users.length > 0) {
      throw new KeyStoreError(
        409,
        'key_in_use',
        `Key "${id}" is named by route${users.length > 1 ? 's' : ''} ${users.map((n) => `"${n}"`).join(', ')}; take it out of ${users.length > 1 ? 'those routes' : 'that route'} first.`,
      );
    }
    if ('keychain' in key.secret) await this.#keychain.delete(keychainAccount(id));
    this.#secrets.drop(id);
    await this.#update((config) => ({ ...config, keys: config.keys.filter((k) => k.id !== id) }));
    this.#statuses.remove(id);
  }

  /** Validates a stored key against its provider and records the result. */
  async test(id: string): Promise<KeyAddResult> {
    const key = this.#find(id);
    const secret = await this.resolveSecret(id);
    const test = await this.#test(key.provider, secret);
    this.#statuses.recordTest(id, key.provider, test);
    return { key: this.#view(key), test };
  }

  /**
   * The secret of a key, for the upstream request. Throws KeychainError (locked, unavailable,
   * timeout, not-found) or KeyStoreError (unknown key, unset variable, unconfirmed address),
   * each saying what to do.
   */
  resolveSecret(id: string): Promise<string> {
    // Not an async function: it runs for every request, and returning the cache's promise from
    // one would wrap it in another and take two more turns of the microtask queue to settle.
    try {
      const key = this.#find(id);
      this.#addresses.refuseUnconfirmed(key);
      return this.#secrets.read(key);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Records what a request or test learned about a key (e.g. 401: invalid); tells listeners when it changes. */
  markStatus(id: string, status: KeyStatus, reason?: string): void {
    const key = this.#config.current.keys.find((k) => k.id === id);
    if (key) this.#statuses.mark(id, key.provider, status, reason);
  }

  /** Whether traffic or a test set the key aside as invalid; asked after every answer, so no view is built. */
  markedInvalid(id: string): boolean {
    return this.#statuses.get(id)?.status === 'invalid';
  }

  importCandidates(dotenv?: Record<string, string>): ImportCandidate[] {
    return importCandidates(this.#importContext(), dotenv);
  }

  importFromEnv(
    names: readonly (string | ImportItem)[],
    values?: Record<string, string | undefined>,
  ): Promise<ImportResult[]> {
    return importKeys(this.#importContext(), names, values);
  }

  /** Records the current address for every key that has none yet. Runs once, at start. */
  async recordMissingBaseUrls(): Promise<void> {
    if (this.#addresses.fillMissing(this.#config.current) === undefined) return;
    await this.#update((config) => this.#addresses.fillMissing(config) ?? config);
  }

  /** Confirms `baseUrl` for a key, which must be where its provider points now. */
  async confirmBaseUrl(id: string, baseUrl: string): Promise<KeyView> {
    const key = this.#find(id);
    const current = this.#addresses.confirmable(key, baseUrl);
    const written = await this.#update((config) => ({
      ...config,
      keys: config.keys.map((k) => (k.id === id ? { ...k, confirmedBaseUrl: current } : k)),
    }));
    return this.#view(written.keys.find((k) => k.id === id) ?? key);
  }

  /** Writes a new keychain key to the config; if that fails, takes its secret back out of the keychain. */
  async #writeNewKeyOrClean(meta: KeyMeta, secret: string): Promise<void> {
    try {
      await this.#update((config) => ({ ...config, keys: [...config.keys, meta] }));
    } catch (err) {
      const account = keychainAccount(meta.id);
      const left = await this.#keychain.delete(account).then(
        () => undefined,
        (deleteErr: unknown) => scrub((deleteErr as Error).message, secret),
      );
      if (left === undefined) throw err;
      this.#log(
        `keys: "${meta.id}" was not added, and its secret stays in the OS keychain as account "${account}": ${left}`,
      );
      throw new SecretLeftBehindError(err, account, left);
    }
  }

  #importContext(): ImportContext {
    return {
      known: this.#keyEnv(),
      env: this.#env,
      hasKey: (provider, last4) =>
        this.#config.current.keys.some((k) => k.provider === provider && this.#last4(k) === last4),
      add: (input) => this.add(input, 'engine'),
    };
  }

  #test(provider: string, secret: string): Promise<KeyTestResult> {
    return runKeyTest(this.#validate, provider, secret, this.#now());
  }

  #find(id: string): KeyMeta {
    // By the key list's index (asked for every request), not a scan with a closure.
    const key = keyWithId(this.#config.current.keys, id);
    if (!key) throw new KeyStoreError(404, 'no_such_key', `There is no key "${id}" in the config.`);
    return key;
  }

  #newId(provider: string): string {
    const taken = new Set([...this.#config.current.keys.map((k) => k.id), ...this.#reservedIds]);
    let n = 1;
    while (taken.has(`${provider}-${n}`)) n++;
    const id = `${provider}-${n}`;
    this.#reservedIds.add(id);
    return id;
  }

  #last4(key: KeyMeta): string | null {
    if ('env' in key.secret) {
      const value = this.#env[key.secret.env];
      return value ? lastFour(value) : null;
    }
    return key.last4 ?? null;
  }

  #view(key: KeyMeta): KeyView {
    const state = this.#statuses.get(key.id);
    const envMissing = 'env' in key.secret && !this.#env[key.secret.env];
    return {
      id: key.id,
      provider: key.provider,
      label: key.label,
      last4: this.#last4(key),
      tier: key.tier,
      source: 'env' in key.secret ? 'env' : 'keychain',
      ...('env' in key.secret ? { envName: key.secret.env } : {}),
      status: envMissing ? 'missing' : (state?.status ?? 'untested'),
      createdAt: key.createdAt ?? null,
      ...(state?.lastTest ? { lastTest: state.lastTest } : {}),
      ...this.#addresses.standing(key),
    };
  }
}
