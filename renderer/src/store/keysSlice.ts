import type { RequestOf } from '../../../app/admin/contract.ts';
import type { KeyStatusEvent } from '../../../app/admin/events.ts';
import type { KeyAddResult, KeyView } from '../../../app/admin/types.ts';
import { call, describeError } from '../api/client.ts';
import type { LoadState, SliceCreator } from './types.ts';

export type KeysSlice = {
  keys: KeyView[];
  keysState: LoadState;
  keysError: string | null;
  loadKeys: () => Promise<void>;
  addKey: (body: RequestOf<'addKey'>) => Promise<KeyAddResult>;
  replaceKey: (id: string, secret: string) => Promise<KeyAddResult>;
  deleteKey: (id: string) => Promise<void>;
  testKey: (id: string) => Promise<KeyAddResult>;
  /** Lets a key go to its provider's new address, with the code the engine showed. */
  confirmBaseUrl: (id: string, baseUrl: string, code: string) => Promise<void>;
  applyKeyStatus: (event: KeyStatusEvent) => void;
};

function upsert(keys: KeyView[], key: KeyView): KeyView[] {
  const i = keys.findIndex((k) => k.id === key.id);
  return i === -1 ? [...keys, key] : keys.map((k) => (k.id === key.id ? key : k));
}

export const createKeysSlice: SliceCreator<KeysSlice> = (set) => ({
  keys: [],
  keysState: 'idle',
  keysError: null,
  loadKeys: async () => {
    set({ keysState: 'loading' });
    try {
      set({ keys: await call('listKeys'), keysState: 'ready', keysError: null });
    } catch (err) {
      set({ keysState: 'error', keysError: describeError(err) });
    }
  },
  addKey: async (body) => {
    const result = await call('addKey', body);
    set((s) => ({ keys: upsert(s.keys, result.key) }));
    return result;
  },
  replaceKey: async (id, secret) => {
    const result = await call('replaceKey', { secret }, { params: { id } });
    set((s) => ({ keys: upsert(s.keys, result.key) }));
    return result;
  },
  deleteKey: async (id) => {
    await call('deleteKey', undefined, { params: { id } });
    set((s) => ({ keys: s.keys.filter((k) => k.id !== id) }));
  },
  testKey: async (id) => {
    const result = await call('testKey', {}, { params: { id } });
    set((s) => ({ keys: upsert(s.keys, result.key) }));
    return result;
  },
  confirmBaseUrl: async (id, baseUrl, code) => {
    const key = await call('confirmBaseUrl', { baseUrl, code }, { params: { id } });
    set((s) => ({ keys: upsert(s.keys, key) }));
  },
  applyKeyStatus: (event) =>
    set((s) => ({
      keys: s.keys.map((k) => (k.id === event.id ? { ...k, status: event.status } : k)),
    })),
});
