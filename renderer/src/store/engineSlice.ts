import type { EngineStatus } from '../../../app/admin/contract.ts';
import type { KeychainStatus, ProxyKeyInfo } from '../../../app/admin/types.ts';
import { call, describeError } from '../api/client.ts';
import type { StreamState } from '../api/events.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type EngineSlice = {
  engine: EngineStatus | null;
  engineState: LoadState;
  engineError: string | null;
  proxyKey: ProxyKeyInfo | null;
  keychain: KeychainStatus | null;
  stream: StreamState;
  loadEngine: () => Promise<void>;
  loadProxyKey: () => Promise<void>;
  loadKeychain: () => Promise<void>;
  setStream: (state: StreamState) => void;
  /** Pauses or resumes routing; the proxy answers 503 while paused. */
  setPaused: (paused: boolean) => Promise<void>;
};

export const createEngineSlice: SliceCreator<EngineSlice> = (set) => ({
  engine: null,
  engineState: 'idle',
  engineError: null,
  proxyKey: null,
  keychain: null,
  stream: 'connecting',
  loadEngine: async () => {
    // A reload keeps what is on screen: only the first load shows a loading state.
    set((s) => (s.engine === null ? { engineState: 'loading' } : {}));
    try {
      set({ engine: await call('status'), engineState: 'ready', engineError: null });
    } catch (err) {
      set({ engineState: 'error', engineError: describeError(err) });
    }
  },
  loadProxyKey: async () => {
    try {
      set({ proxyKey: await call('proxyKey') });
    } catch (err) {
      set({ engineError: describeError(err) });
    }
  },
  loadKeychain: async () => {
    try {
      set({ keychain: await call('keychainStatus') });
    } catch (err) {
      set({
        keychain: { state: 'failed', backend: 'unknown', message: describeError(err) },
      });
    }
  },
  setStream: (stream) => set({ stream }),
  setPaused: async (paused) => {
    set({ engine: await call('setPaused', { paused }) });
  },
});
