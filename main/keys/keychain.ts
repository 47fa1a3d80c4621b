import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { KeychainStatus } from '../../app/admin/types.ts';
import { BACKGROUND_TIMERS, type Timers } from '../timers.ts';

export type KeychainErrorKind = 'locked' | 'unavailable' | 'timeout' | 'not-found' | 'failed';

/** A keychain failure whose message says what happened and what to do about it. Never holds a secret. */
export class KeychainError extends Error {
  readonly kind: KeychainErrorKind;
  constructor(kind: KeychainErrorKind, message: string) {
    super(message);
    this.name = 'KeychainError';
    this.kind = kind;
  }
}

/** Where secrets live: the OS keychain, or a test double. Accounts are names within one service. */
export interface Keychain {
  /** e.g. "Secret Service". */
  readonly backend: string;
  /** The secret, or KeychainError `not-found` when there is none (never for a locked keychain). */
  get(account: string): Promise<string>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted, false when there was nothing to delete. */
  delete(account: string): Promise<boolean>;
  /** Probes the keychain with a throw-away item; never throws. */
  status(): Promise<KeychainStatus>;
  close(): void;
}

export const KEYCHAIN_SERVICE = 'switchyard';
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 4000;
/** How long the keychain's thread stays after its last call (it starts again on the next one). */
export const DEFAULT_KEYCHAIN_IDLE_MS = 60_000;
const PROBE_ACCOUNT = 'switchyard-probe';

type Op = 'get' | 'set' | 'delete';
type WorkerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/*
 * The native calls run in a worker thread, synchronously, one at a time. Creating an entry talks
 * to D-Bus synchronously (it blocked the thread for 2 s when the keyring daemon was stopped), and
 * a locked keyring with a display waits on an unlock prompt nobody may see: on the main thread
 * either would stall the proxy. A call that outlives its timeout gets its worker terminated, and
 * the next call starts a fresh one; the stuck thread ends when D-Bus gives up. Keys are read once
 * and cached (secretCache.ts), so the thread stops after an idle spell: a Node thread with the
 * keyring module loaded holds several MB that an idle engine does not need.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let keyring;
let loadError = '';
try {
  keyring = require(workerData.modulePath);
} catch (err) {
  loadError = String((err && err.message) || err);
}
const options = { linux: { store: 'secret-service' } };
parentPort.on('message', (call) => {
  try {
    if (!keyring) throw new Error('cannot load @napi-rs/keyring: ' + loadError);
    const entry = new keyring.Entry(call.service, call.account, options);
    let value = null;
    if (call.op === 'get') {
      const bytes = entry.getSecret();
      value = bytes === null ? null : Buffer.from(bytes).toString('utf8');
    } else if (call.op === 'set') {
      entry.setPassword(call.secret);
    } else {
      value = entry.deleteCredential();
    }
    parentPort.postMessage({ id: call.id, ok: true, value });
  } catch (err) {
    parentPort.postMessage({ id: call.id, ok: false, message: String((err && err.message) || err) });
  }
});
`;

/** The keychain's name on this platform, for messages and the status view. */
export function backendName(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service';
}

/**
 * What a native keyring error means. Mapped from what @napi-rs/keyring 2.1.2 reports against
 * gnome-keyring on Linux (see test/main/keys/keychainStates.test.ts for each case).
 */
export function classifyKeyringError(
  message: string,
  op: Op,
): { kind: Exclude<KeychainErrorKind, 'not-found'>; detail: string } {
  if (/unlock prompt was dismissed|IsLocked|is locked/i.test(message)) {
    return { kind: 'locked', detail: 'the keyring is locked' };
  }
  if (/Did not receive a reply|timed out|timeout/i.test(message)) {
    return { kind: 'timeout', detail: 'the keyring service did not reply' };
  }
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch/i.test(message)) {
    return {
      kind: 'unavailable',
      detail: 'there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)',
    };
  }
  if (/not provided by any \.service files|ServiceUnknown|NameHasNoOwner/i.test(message)) {
    return {
      kind: 'unavailable',
      detail: 'no Secret Service (gnome-keyring, KWallet, KeePassXC) runs on the D-Bus session bus',
    };
  }
  if (/Failed to connect to socket|Connection refused|No such file or directory/i.test(message)) {
    return {
      kind: 'unavailable',
      detail: 'the D-Bus session bus named by DBUS_SESSION_BUS_ADDRESS does not answer',
    };
  }
  if (/no result found/i.test(message) && op === 'set') {
    return {
      kind: 'unavailable',
      detail: 'the Secret Service has no default keyring to store keys in',
    };
  }
  if (/No default collection|no such collection/i.test(message)) {
    return {
      kind: 'unavailable',
      detail: 'the Secret Service has no default keyring to store keys in',
    };
  }
  if (/cannot load @napi-rs\/keyring|Platform failure|No platform|not supported/i.test(message)) {
    return { kind: 'unavailable', detail: message };
  }
  return { kind: 'failed', detail: message };
}

/** The message for a keychain failure: what happened, then what to do. */
export function keychainMessage(
  kind: KeychainErrorKind,
  detail: string,
  platform: NodeJS.Platform,
  timeoutMs: number,
): string {
  const linux = platform !== 'darwin' && platform !== 'win32';
  const name = backendName(platform);
  switch (kind) {
    case 'locked':
      return linux
        ? `The OS keychain (${name}) is locked, so Switchyard can neither read nor store keys. Unlock it: log in to your desktop session or unlock the "Login" keyring in Passwords and Keys (seahorse); on a headless machine run \`gnome-keyring-daemon --unlock\` and type the keyring's password. Then try again.`
        : `The ${name} is locked, so Switchyard can neither read nor store keys. Unlock it (log in again, or unlock the login keychain in Keychain Access), then try again.`;
    case 'unavailable':
      return linux
        ? `No OS keychain is reachable: ${detail}. Switchyard keeps provider keys only in the Secret Service (never in a plain file). On a desktop, start your keyring (gnome-keyring, KWallet or KeePassXC with Secret Service on). On a headless machine: \`sudo apt-get install gnome-keyring dbus-user-session libsecret-tools\`, then run Switchyard inside \`dbus-run-session\` after \`gnome-keyring-daemon --unlock\`. Until then, keys from environment variables ({"env": "GROQ_API_KEY"}) still work.`
        : `The ${name} is not available: ${detail}. Until it is, keys from environment variables ({"env": "OPENAI_API_KEY"}) still work.`;
    case 'timeout':
      return `The OS keychain (${name}) did not answer within ${Math.round(timeoutMs / 100) / 10} s. It may be waiting for you to unlock it in a dialog (look for a password prompt), or its service hangs${linux ? ' (restart gnome-keyring-daemon, or log out and in)' : ''}. Switchyard asks again on the next use.`;
    case 'not-found':
      return `There is no secret for ${detail} in the OS keychain (${name}). Add the key again on the dashboard's Keys page or with \`switchyard keys add\`.`;
    case 'failed':
      return `The OS keychain (${name}) refused the operation: ${detail}.`;
  }
}

export type OsKeychainOptions = {
  /** The keychain service name every account lives under (tests use their own). */
  service?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
  /** How long the thread stays after its last call; DEFAULT_KEYCHAIN_IDLE_MS unless given. */
  idleMs?: number;
  /** The idle stop's timer: Node's (not keeping the process alive) unless given; tests fire it. */
  timers?: Timers;
};

/** The OS keychain, and whether its thread runs now (it stops when idle). */
export type OsKeychain = Keychain & { readonly threadRunning: boolean };

type Call = {
  id: number;
  op: Op;
  account: string;
  secret?: string;
  resolve: (value: unknown) => void;
  reject: (err: KeychainError) => void;
  timer: NodeJS.Timeout;
};

/** The OS keychain through @napi-rs/keyring, pinned to the Secret Service on Linux. */
export function createOsKeychain(options: OsKeychainOptions = {}): OsKeychain {
  const service = options.service ?? KEYCHAIN_SERVICE;
  const timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
  const idleMs = options.idleMs ?? DEFAULT_KEYCHAIN_IDLE_MS;
  const timers = options.timers ?? BACKGROUND_TIMERS;
  const platform = options.platform ?? process.platform;
  const backend = backendName(platform);
  let modulePath: string | undefined;
  let worker: Worker | undefined;
  let inFlight: Call | undefined;
  let idleTimer: unknown;
  const queue: Call[] = [];
  let nextId = 1;
  let closed = false;

  const fail = (kind: KeychainErrorKind, detail: string, secret?: string): KeychainError => {
    const message = keychainMessage(kind, detail, platform, timeoutMs);
    return new KeychainError(
      kind,
      secret !== undefined && secret !== '' ? message.split(secret).join('[redacted]') : message,
    );
  };

  const dropWorker = (): void => {
    const stale = worker;
    worker = undefined;
    // Not awaited: a thread stuck in a D-Bus call ends only when the call returns.
    void stale?.terminate();
  };

  const settle = (reply: WorkerReply): void => {
    const call = inFlight;
    if (call === undefined || call.id !== reply.id) return;
    inFlight = undefined;
    clearTimeout(call.timer);
    if (reply.ok) call.resolve(reply.value);
    else {
      const { kind, detail } = classifyKeyringError(reply.message, call.op);
      call.reject(fail(kind, detail, call.secret));
    }
    pump();
  };

  const startWorker = (): Worker => {
    modulePath ??= createRequire(import.meta.url).resolve('@napi-rs/keyring');
    const created = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath } });
    created.unref();
    created.on('message', (reply: WorkerReply) => {
      if (worker === created) settle(reply);
    });
    created.on('error', (err) => {
      if (worker !== created) return;
      dropWorker();
      const call = inFlight;
      inFlight = undefined;
      if (call) {
        clearTimeout(call.timer);
        call.reject(fail('failed', `the keychain worker crashed (${err.message})`));
      }
      pump();
    });
    return created;
  };

  const stopWhenIdle = (): void => {
    idleTimer = undefined;
    if (inFlight === undefined && queue.length === 0) dropWorker();
  };

  const pump = (): void => {
    if (inFlight !== undefined || closed) return;
    if (idleTimer !== undefined) timers.clearTimeout(idleTimer);
    idleTimer = undefined;
    const call = queue.shift();
    if (call === undefined) {
      if (worker !== undefined) idleTimer = timers.setTimeout(stopWhenIdle, idleMs);
      return;
    }
    inFlight = call;
    worker ??= startWorker();
    worker.postMessage({
      id: call.id,
      op: call.op,
      service,
      account: call.account,
      secret: call.secret,
    });
  };

  const call = (op: Op, account: string, secret?: string): Promise<unknown> => {
    if (closed) return Promise.reject(fail('unavailable', 'Switchyard is shutting down'));
    return new Promise((resolve, reject) => {
      const entry: Call = {
        id: nextId++,
        op,
        account,
        resolve,
        reject,
        timer: setTimeout(() => {
          if (inFlight === entry) {
            inFlight = undefined;
            dropWorker();
          } else {
            const at = queue.indexOf(entry);
            if (at !== -1) queue.splice(at, 1);
          }
          reject(fail('timeout', 'no reply'));
          pump();
        }, timeoutMs),
      };
      if (secret !== undefined) entry.secret = secret;
      queue.push(entry);
      pump();
    });
  };

  /** A write and delete of a throw-away item: the only check that tells a locked keychain apart. */
  const probe = async (): Promise<void> => {
    await call('set', PROBE_ACCOUNT, 'probe');
    await call('delete', PROBE_ACCOUNT);
  };

  return {
    backend,
    get threadRunning() {
      return worker !== undefined;
    },
    async get(account) {
      const value = await call('get', account);
      if (typeof value === 'string') return value;
      // Some keyrings answer a locked read with "nothing here"; only a working write proves otherwise.
      await probe();
      throw fail('not-found', `"${account}"`);
    },
    async set(account, secret) {
      await call('set', account, secret);
    },
    async delete(account) {
      return (await call('delete', account)) === true;
    },
    async status() {
      try {
        await probe();
        return {
          state: 'ok',
          backend,
          message: `Keys are stored in the ${backend}, under the service "${service}".`,
        };
      } catch (err) {
        const kind = err instanceof KeychainError ? err.kind : 'failed';
        return {
          state: kind === 'not-found' ? 'failed' : kind,
          backend,
          message: (err as Error).message,
        };
      }
    },
    close() {
      closed = true;
      if (idleTimer !== undefined) timers.clearTimeout(idleTimer);
      idleTimer = undefined;
      for (const pending of queue.splice(0)) {
        clearTimeout(pending.timer);
        pending.reject(fail('unavailable', 'Switchyard is shutting down'));
      }
      if (inFlight) {
        clearTimeout(inFlight.timer);
        inFlight.reject(fail('unavailable', 'Switchyard is shutting down'));
        inFlight = undefined;
      }
      dropWorker();
    },
  };
}
