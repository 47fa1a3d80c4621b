import type { KeyStatusEvent } from '../../app/admin/events.ts';
import type {
  ImportCandidate,
  ImportResult,
  KeyAddResult,
  KeyStatus,
  KeyTestOutcome,
  KeyTestResult,
  KeyView,
} from '../../app/admin/types.ts';
import type { KeyEnvEntry } from '../../app/catalog/keyEnv.ts';
import {
  sameBaseUrl,
  unconfirmedBaseUrl,
  unconfirmedMessage,
} from '../../app/config/confirmedBaseUrl.ts';
import type { KeyMeta } from '../../app/config/schema.ts';
import type { ConfigStore } from '../config/configFile.ts';
import type { ConfigUpdater } from './configUpdates.ts';
import type { KeyState, KeyStateStore } from '../store/keyState.ts';
import { KEYCHAIN_SERVICE, KeychainError, type Keychain } from './keychain.ts';

/** What validating a key against its provider found (a models call or a one-token request). */
export type KeyValidation = { outcome: KeyTestOutcome; message: string; latencyMs: number | null };

/** Supplied by the engine: checks a secret against the provider. Must not put the secret in its message. */
export type ValidateKey = (provider: string, secret: string) => Promise<KeyValidation>;

export type NewKey = {
  provider: string;
  label: string;
  tier?: 'free' | 'paid';
} & ({ secret: string; env?: undefined } | { env: string; secret?: undefined });

export type ImportItem = {
  name: string;
  provider?: string;
  label?: string;
  tier?: 'free' | 'paid';
};

/** A refused key operation; `status` is the HTTP status the admin API answers with. */
export class KeyStoreError extends Error {
  readonly status: 400 | 404 | 409 | 422;
  readonly code: string;
  constructor(status: 400 | 404 | 409 | 422, code: string, message: string) {
    super(message);
    this.name = 'KeyStoreError';
    this.status = status;
    this.code = code;
  }
}

/**
 * A key that was not added, and whose secret the keychain would not give back: the person has to
 * remove it by hand, so the message says how, after what went wrong in the first place.
 */
export class SecretLeftBehindError extends Error {
  override readonly cause: unknown;
  constructor(cause: unknown, account: string, detail: string) {
    super(
      `${cause instanceof Error ? cause.message : String(cause)} The key's secret could not be removed from the OS keychain (${detail}); remove it by hand: the item with service "${KEYCHAIN_SERVICE}" and account "${account}" (Linux: secret-tool clear service ${KEYCHAIN_SERVICE} account ${account}; macOS: Keychain Access; Windows: Credential Manager).`,
    );
    this.name = 'SecretLeftBehindError';
    this.cause = cause;
  }
}

/** Names in a .env file that look like they hold a key, even when no provider is known for them. */
const KEY_LIKE_NAME = /(?:_API_KEY|_KEY|_TOKEN|_SECRET)$/;

/** The keychain account of a provider key (the proxy key lives beside them as `proxy-key`). */
export function keychainAccount(keyId: string): string {
  return `key:${keyId}`;
}

/**
 * Parses a .env file: `NAME=value`, optional `export `, `#` comments, single quotes taken
 * literally, double quotes with \n, \t, \" and \\ escapes (and spanning lines), unquoted
 * values trimmed and cut at ` #`.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const src = text.replace(/\r\n?/g, '\n');
  let i = 0;
  while (i < src.length) {
    const lineEnd = src.indexOf('\n', i) === -1 ? src.length : src.indexOf('\n', i);
    const line = src.slice(i, lineEnd);
    const head = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*/.exec(line);
    if (head === null) {
      i = lineEnd + 1;
      continue;
    }
    const name = head[1] as string;
    let pos = i + head[0].length;
    const quote = src[pos];
    if (quote === '"' || quote === "'") {
      let value = '';
      let j = pos + 1;
      let closed = false;
      while (j < src.length) {
        const ch = src[j] as string;
        if (ch === quote) {
          closed = true;
          break;
        }
        if (ch === '\\' && quote === '"' && j + 1 < src.length) {
          const next = src[j + 1] as string;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
          j += 2;
          continue;
        }
        value += ch;
        j++;
      }
      if (closed) {
        out[name] = value;
        const after = src.indexOf('\n', j);
        i = after === -1 ? src.length : after + 1;
        continue;
      }
      // An unclosed quote: take the rest of the line as written, like most dotenv loaders.
      pos = i + head[0].length;
    }
    let value = src.slice(pos, lineEnd);
    const comment = value.search(/\s#/);
    if (comment !== -1) value = value.slice(0, comment);
    out[name] = value.trim();
    i = lineEnd + 1;
  }
  return out;
}

function lastFour(secret: string): string {
  return secret.slice(-4);
}

/** Removes a secret from a message a validator or a native library produced, should one echo it. */
function scrub(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('[redacted]') : message;
}

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
  onStatus?: (event: KeyStatusEvent) => void;
  /** The engine's log, for what the person must hear of even when no one is looking (an orphaned secret). */
  log?: (message: string) => void;
  /**
   * A provider's address now (`current`) and in the shipped catalog (`shipped`). With it, a key
   * goes only to the address it was confirmed for (app/config/confirmedBaseUrl.ts).
   */
  baseUrlOf?: (provider: string) => { current: string; shipped?: string } | undefined;
};

/** Who supplied the secret of a key being added: the caller typed it, or the engine holds it. */
type SecretOrigin = 'caller' | 'engine';

/**
 * Provider keys: metadata in the config, secrets in the OS keychain (or an environment variable).
 * Secrets are cached in memory after the first read, so the proxy's hot path does not go to the
 * keychain per request; replace and remove drop them from the cache.
 */
export class KeyStore {
  readonly #config: ConfigStore;
  readonly #update: ConfigUpdater;
  readonly #keychain: Keychain;
  readonly #validate: ValidateKey;
  readonly #env: Record<string, string | undefined>;
  readonly #stateStore: KeyStateStore | undefined;
  readonly #keyEnv: NonNullable<KeyStoreOptions['keyEnv']>;
  readonly #now: () => number;
  readonly #onStatus: ((event: KeyStatusEvent) => void) | undefined;
  readonly #log: (message: string) => void;
  readonly #baseUrlOf: KeyStoreOptions['baseUrlOf'];
  readonly #state: Map<string, KeyState>;
  readonly #secrets = new Map<string, string>();
  readonly #reading = new Map<string, Promise<string>>();
  readonly #reservedIds = new Set<string>();

  constructor(options: KeyStoreOptions) {
    this.#config = options.config;
    this.#update = options.update;
    this.#keychain = options.keychain;
    this.#validate = options.validateKey;
    this.#env = options.env ?? process.env;
    this.#stateStore = options.state;
    this.#keyEnv = options.keyEnv;
    this.#now = options.now ?? Date.now;
    this.#onStatus = options.onStatus;
    this.#log = options.log ?? (() => undefined);
    this.#baseUrlOf = options.baseUrlOf;
    this.#state = this.#stateStore?.load() ?? new Map();
    // A hand edit may remove a key or point it at an env variable: its cached secret must go.
    this.#config.on('change', (config) => {
      for (const id of this.#secrets.keys()) {
        const key = config.keys.find((k) => k.id === id);
        if (!key || !('keychain' in key.secret)) this.#secrets.delete(id);
      }
    });
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
    // A secret the caller typed may go where the provider points now: the caller has it already.
    // One the engine holds (an environment variable, an import) goes only to the catalog's own
    // address until the person confirms another.
    const confirmedBaseUrl = this.#addressForNewKey(
      input.provider,
      input.secret !== undefined && origin === 'caller',
    );
    const held =
      confirmedBaseUrl === null ? undefined : this.#heldBack(input.provider, confirmedBaseUrl);
    // An id can be reused after a key was removed by hand; its old status is not this key's.
    this.#state.delete(id);
    try {
      if (input.secret !== undefined) {
        const test = held ?? (await this.#runTest(input.provider, input.secret));
        this.#refuseInvalid(test);
        await this.#keychain.set(keychainAccount(id), input.secret);
        const meta: KeyMeta = {
          id,
          provider: input.provider,
          label: input.label,
          secret: { keychain: true },
          tier: input.tier ?? 'free',
          last4: lastFour(input.secret),
          createdAt: new Date(this.#now()).toISOString(),
          ...(confirmedBaseUrl === null ? {} : { confirmedBaseUrl }),
        };
        try {
          await this.#update((config) => ({ ...config, keys: [...config.keys, meta] }));
        } catch (err) {
          const account = keychainAccount(id);
          const left = await this.#keychain.delete(account).then(
            () => undefined,
            (deleteErr: unknown) => scrub((deleteErr as Error).message, input.secret),
          );
          if (left === undefined) throw err;
          this.#log(
            `keys: "${id}" was not added, and its secret stays in the OS keychain as account "${account}": ${left}`,
          );
          throw new SecretLeftBehindError(err, account, left);
        }
        this.#secrets.set(id, input.secret);
        this.#setState(id, input.provider, test);
        return { key: this.#view(meta), test };
      }
      const value = this.#env[input.env];
      const test: KeyTestResult = value
        ? (held ?? (await this.#runTest(input.provider, value)))
        : {
            outcome: 'skipped',
            message: `${input.env} is not set in Switchyard's environment; the key works once it is.`,
            latencyMs: null,
            testedAt: new Date(this.#now()).toISOString(),
          };
      this.#refuseInvalid(test);
      const meta: KeyMeta = {
        id,
        provider: input.provider,
        label: input.label,
        secret: { env: input.env },
        tier: input.tier ?? 'free',
        createdAt: new Date(this.#now()).toISOString(),
        ...(confirmedBaseUrl === null ? {} : { confirmedBaseUrl }),
      };
      await this.#update((config) => ({ ...config, keys: [...config.keys, meta] }));
      this.#setState(id, input.provider, test);
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
    this.#refuseUnconfirmed(key);
    const test = await this.#runTest(key.provider, secret);
    this.#refuseInvalid(test);
    await this.#keychain.set(keychainAccount(id), secret);
    this.#reading.delete(id);
    this.#secrets.set(id, secret);
    const written = await this.#update((config) => ({
      ...config,
      keys: config.keys.map((k) => (k.id === id ? { ...k, last4: lastFour(secret) } : k)),
    }));
    this.#setState(id, key.provider, test);
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
    this.#secrets.delete(id);
    this.#reading.delete(id);
    await this.#update((config) => ({ ...config, keys: config.keys.filter((k) => k.id !== id) }));
    this.#state.delete(id);
    this.#stateStore?.remove(id);
  }

  /** Validates a stored key against its provider and records the result. */
  async test(id: string): Promise<KeyAddResult> {
    const key = this.#find(id);
    const secret = await this.resolveSecret(id);
    const test = await this.#runTest(key.provider, secret);
    this.#setState(id, key.provider, test);
    return { key: this.#view(key), test };
  }

  /**
   * The secret of a key, for the upstream request. Throws KeychainError (locked, unavailable,
   * timeout, not-found) or KeyStoreError (unknown key, unset variable), each saying what to do.
   */
  resolveSecret(id: string): Promise<string> {
    const meta = this.#config.current.keys.find((k) => k.id === id);
    if (meta !== undefined) {
      try {
        this.#refuseUnconfirmed(meta);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const cached = this.#secrets.get(id);
    if (cached !== undefined) return Promise.resolve(cached);
    const pending = this.#reading.get(id);
    if (pending) return pending;
    let key: KeyMeta;
    try {
      key = this.#find(id);
    } catch (err) {
      return Promise.reject(err);
    }
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
          this.markStatus(id, 'missing', 'its secret is not in the OS keychain');
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

  /** Records what a request or test learned about a key (e.g. 401: invalid); tells listeners when it changes. */
  markStatus(id: string, status: KeyStatus, reason?: string): void {
    const key = this.#config.current.keys.find((k) => k.id === id);
    if (!key) return;
    const previous = this.#state.get(id)?.status ?? 'untested';
    if (previous === status) return;
    const next: KeyState = { ...this.#state.get(id), status };
    this.#state.set(id, next);
    this.#stateStore?.save(id, next);
    this.#onStatus?.({
      id,
      provider: key.provider,
      status,
      previous,
      ...(reason !== undefined ? { reason } : {}),
    });
  }

  /**
   * Every secret this store can hand out right now: those read from the keychain and the values
   * of the environment variables that configured keys name. The engine masks all of them.
   */
  heldSecrets(): string[] {
    const out = [...this.#secrets.values()];
    for (const key of this.#config.current.keys) {
      if (!('env' in key.secret)) continue;
      const value = this.#env[key.secret.env];
      if (value) out.push(value);
    }
    return out;
  }

  /** Keys found in the environment (known variables) and in a .env file's values that could be imported. */
  importCandidates(dotenv?: Record<string, string>): ImportCandidate[] {
    const known = this.#keyEnv();
    const out: ImportCandidate[] = [];
    for (const [name, { provider }] of Object.entries(known)) {
      const value = this.#env[name];
      if (value) out.push(this.#candidate(name, provider, 'env', value));
    }
    for (const [name, value] of Object.entries(dotenv ?? {})) {
      if (!value || !(name in known || KEY_LIKE_NAME.test(name))) continue;
      out.push(this.#candidate(name, known[name]?.provider ?? null, 'dotenv', value));
    }
    return out;
  }

  /**
   * Imports keys from environment variables (or a parsed .env file's values) into the keychain,
   * one new key each. Never writes an `env` reference: the secret is copied into the keychain.
   */
  async importFromEnv(
    names: readonly (string | ImportItem)[],
    values: Record<string, string | undefined> = this.#env,
  ): Promise<ImportResult[]> {
    const known = this.#keyEnv();
    const results: ImportResult[] = [];
    for (const entry of names) {
      const item: ImportItem = typeof entry === 'string' ? { name: entry } : entry;
      const value = values[item.name];
      const provider = item.provider ?? known[item.name]?.provider;
      if (!value) {
        results.push({ name: item.name, outcome: 'failed', message: `${item.name} is not set.` });
        continue;
      }
      if (provider === undefined) {
        results.push({
          name: item.name,
          outcome: 'failed',
          message: `Switchyard does not know which provider ${item.name} is for; choose one.`,
        });
        continue;
      }
      if (this.#hasKey(provider, lastFour(value))) {
        results.push({
          name: item.name,
          outcome: 'skipped',
          message: `A ${provider} key ending in ${lastFour(value)} is already configured.`,
        });
        continue;
      }
      try {
        const added = await this.add(
          {
            provider,
            label: item.label ?? item.name,
            tier: item.tier ?? known[item.name]?.tier ?? 'paid',
            secret: value,
          },
          'engine',
        );
        results.push({
          name: item.name,
          outcome: 'imported',
          message: added.test.message,
          key: added.key,
        });
      } catch (err) {
        results.push({
          name: item.name,
          outcome: 'failed',
          message: scrub((err as Error).message, value),
        });
      }
    }
    return results;
  }

  #candidate(
    name: string,
    provider: string | null,
    source: 'env' | 'dotenv',
    value: string,
  ): ImportCandidate {
    const last4 = lastFour(value);
    return {
      name,
      provider,
      source,
      last4,
      alreadyAdded: provider !== null && this.#hasKey(provider, last4),
    };
  }

  #hasKey(provider: string, last4: string): boolean {
    return this.#config.current.keys.some(
      (k) => k.provider === provider && this.#last4(k) === last4,
    );
  }

  #find(id: string): KeyMeta {
    const key = this.#config.current.keys.find((k) => k.id === id);
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

  async #runTest(provider: string, secret: string): Promise<KeyTestResult> {
    const testedAt = new Date(this.#now()).toISOString();
    try {
      const result = await this.#validate(provider, secret);
      return { ...result, message: scrub(result.message, secret), testedAt };
    } catch (err) {
      return {
        outcome: 'failed',
        message: `The key could not be checked: ${scrub((err as Error).message, secret)}`,
        latencyMs: null,
        testedAt,
      };
    }
  }

  #refuseInvalid(test: KeyTestResult): void {
    if (test.outcome === 'invalid') {
      throw new KeyStoreError(
        422,
        'key_refused',
        `The provider refused this key: ${test.message} Check that you copied all of it and that it belongs to this provider.`,
      );
    }
  }

  #setState(id: string, provider: string, test: KeyTestResult): void {
    const previous = this.#state.get(id)?.status ?? 'untested';
    // A test that could not reach the provider says nothing new about the key.
    const status: KeyStatus =
      test.outcome === 'ok' ? 'ok' : test.outcome === 'invalid' ? 'invalid' : previous;
    const next: KeyState = { status, lastTest: test };
    this.#state.set(id, next);
    this.#stateStore?.save(id, next);
    if (previous !== status) this.#onStatus?.({ id, provider, status, previous });
  }

  #last4(key: KeyMeta): string | null {
    if ('env' in key.secret) {
      const value = this.#env[key.secret.env];
      return value ? lastFour(value) : null;
    }
    return key.last4 ?? null;
  }

  #view(key: KeyMeta): KeyView {
    const state = this.#state.get(key.id);
    const fromEnv = 'env' in key.secret;
    const envMissing = 'env' in key.secret && !this.#env[key.secret.env];
    return {
      id: key.id,
      provider: key.provider,
      label: key.label,
      last4: this.#last4(key),
      tier: key.tier,
      source: fromEnv ? 'env' : 'keychain',
      ...('env' in key.secret ? { envName: key.secret.env } : {}),
      status: envMissing ? 'missing' : (state?.status ?? 'untested'),
      createdAt: key.createdAt ?? null,
      ...(state?.lastTest ? { lastTest: state.lastTest } : {}),
      ...this.#standing(key),
    };
  }

  /** `{unconfirmedBaseUrl}` while the key's provider points where it was not confirmed for. */
  #standing(key: KeyMeta): Pick<KeyView, 'unconfirmedBaseUrl'> {
    const current = this.#baseUrlOf?.(key.provider)?.current;
    const standing = current === undefined ? null : unconfirmedBaseUrl(key, current);
    return standing === null ? {} : { unconfirmedBaseUrl: standing };
  }

  #refuseUnconfirmed(key: KeyMeta): void {
    const { unconfirmedBaseUrl: standing } = this.#standing(key);
    if (standing !== undefined)
      throw new KeyStoreError(409, 'base_url_unconfirmed', unconfirmedMessage(key, standing));
  }

  /** The address a new key is confirmed for, or null without provider addresses to go by. */
  #addressForNewKey(provider: string, typedByCaller: boolean): string | null {
    const address = this.#baseUrlOf?.(provider);
    if (address === undefined) return null;
    if (typedByCaller) return address.current;
    return address.shipped !== undefined && address.shipped === address.current
      ? address.shipped
      : '';
  }

  /** The test result of a new key that may not go to its provider's address yet, or undefined. */
  #heldBack(provider: string, confirmedBaseUrl: string): KeyTestResult | undefined {
    const current = this.#baseUrlOf?.(provider)?.current;
    if (current === undefined || confirmedBaseUrl === current) return undefined;
    return {
      outcome: 'skipped',
      message: `Not checked: ${provider} points at ${current}, which you have not confirmed for this key. Confirm the address on the Providers & keys page first.`,
      latencyMs: null,
      testedAt: new Date(this.#now()).toISOString(),
    };
  }

  /**
   * Records the current address for every key that has none yet: keys from a config written by
   * hand or by an older version, confirmed by the person's own file. Runs once, at start.
   */
  async recordMissingBaseUrls(): Promise<void> {
    const missing = this.#config.current.keys.filter((k) => k.confirmedBaseUrl === undefined);
    if (missing.length === 0 || this.#baseUrlOf === undefined) return;
    const baseUrlOf = this.#baseUrlOf;
    await this.#update((config) => ({
      ...config,
      keys: config.keys.map((k) => {
        const current = baseUrlOf(k.provider)?.current;
        return k.confirmedBaseUrl !== undefined || current === undefined
          ? k
          : { ...k, confirmedBaseUrl: current };
      }),
    }));
  }

  /** Confirms `baseUrl` for a key, which must be where its provider points now. */
  async confirmBaseUrl(id: string, baseUrl: string): Promise<KeyView> {
    const key = this.#find(id);
    const current = this.#baseUrlOf?.(key.provider)?.current;
    if (current === undefined || !sameBaseUrl(current, baseUrl)) {
      throw new KeyStoreError(
        409,
        'base_url_changed',
        `Provider "${key.provider}" no longer points at ${baseUrl}${current ? ` but at ${current}` : ''}; review the new address and confirm again.`,
      );
    }
    const written = await this.#update((config) => ({
      ...config,
      keys: config.keys.map((k) => (k.id === id ? { ...k, confirmedBaseUrl: current } : k)),
    }));
    return this.#view(written.keys.find((k) => k.id === id) ?? key);
  }
}
