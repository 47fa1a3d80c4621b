import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startEngine, type Engine, type EngineOptions } from '../../main/engine/engine.ts';
import type { Keychain } from '../../main/keys/keychain.ts';
import type { ValidateKey } from '../../main/keys/keyStatus.ts';
import { MemoryKeychain } from '../main/keys/memoryKeychain.ts';
import { dataFolder } from './dataFolder.ts';

export type ScratchEngineOptions = Partial<Omit<EngineOptions, 'dataDir' | 'keychain'>> & {
  /** A keychain in memory by default; 'os' for the OS keychain, as the app has it. */
  keychain?: Keychain | 'os';
  /** Names the throw-away data folder: `switchyard-<name>-XXXXXX`. */
  name: string;
  /** Where that folder is made (the OS temp folder by default). */
  parent?: string;
  /** Files written into the data folder as JSON before the engine starts (`config.json`, `providers.json`). */
  files?: Record<string, unknown>;
};

export type ScratchEngine = {
  engine: Engine;
  dataDir: string;
  /** fetch on the engine's admin address with its admin token. */
  adminFetch: (path: string, init?: RequestInit) => Promise<Response>;
  /** An admin call with a JSON body when one is given: its status and its parsed JSON answer. */
  adminJson: <T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; json: T }>;
  /** Stops the engine and starts a new one on the same data folder (what survives a restart). */
  restart: () => Promise<Engine>;
  /** Stops the engine and removes its data folder. */
  close: () => Promise<void>;
};

/** A key check that always passes, for tests whose keys are not what they are about. */
export const acceptAnyKey: ValidateKey = async () => ({
  outcome: 'ok',
  message: 'ok',
  latencyMs: 1,
});

/**
 * An engine in this process on 127.0.0.1 port 0 with its own data folder, a keychain in memory,
 * no environment variables, no dashboard and no log, unless the options say otherwise.
 */
export async function startScratchEngine(options: ScratchEngineOptions): Promise<ScratchEngine> {
  const { name, parent, files, keychain = new MemoryKeychain(), ...engineOptions } = options;
  const dataDir = await dataFolder(name, files, parent);
  const start = () =>
    startEngine({
      host: '127.0.0.1',
      port: 0,
      allowRemote: false,
      dashboardDir: join(dataDir, 'no-dashboard'),
      log: () => undefined,
      env: {},
      ...engineOptions,
      ...(keychain === 'os' ? {} : { keychain }),
      dataDir,
    });
  const scratch: ScratchEngine = {
    engine: await start(),
    dataDir,
    adminFetch: (path, init = {}) =>
      fetch(new URL(path, scratch.engine.url), {
        ...init,
        headers: {
          authorization: `Bearer ${scratch.engine.adminToken}`,
          ...(init.headers as Record<string, string> | undefined),
        },
      }),
    adminJson: async <T>(
      method: string,
      path: string,
      body?: unknown,
      headers?: Record<string, string>,
    ) => {
      const res = await scratch.adminFetch(path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, json: (await res.json()) as T };
    },
    restart: async () => {
      await scratch.engine.stop(2000);
      scratch.engine = await start();
      return scratch.engine;
    },
    close: async () => {
      await scratch.engine.stop(2000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return scratch;
}
