import type { KeychainStatus } from '../../../app/admin/types.ts';
import { KeychainError, keychainMessage, type Keychain } from '../../../main/keys/keychain.ts';

/** A keychain in memory for tests, that can be switched into the OS keychain's failure states. */
export class MemoryKeychain implements Keychain {
  readonly backend = 'memory';
  readonly items = new Map<string, string>();
  mode: 'ok' | 'locked' | 'unavailable' = 'ok';
  gets = 0;

  #check(): void {
    if (this.mode === 'ok') return;
    const detail = this.mode === 'locked' ? 'the keyring is locked' : 'no keychain in this test';
    throw new KeychainError(this.mode, keychainMessage(this.mode, detail, 'linux', 1000));
  }

  async get(account: string): Promise<string> {
    this.gets++;
    this.#check();
    const value = this.items.get(account);
    if (value === undefined) {
      throw new KeychainError(
        'not-found',
        keychainMessage('not-found', `"${account}"`, 'linux', 1000),
      );
    }
    return value;
  }

  async set(account: string, secret: string): Promise<void> {
    this.#check();
    this.items.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    this.#check();
    return this.items.delete(account);
  }

  async status(): Promise<KeychainStatus> {
    try {
      this.#check();
      return { state: 'ok', backend: this.backend, message: 'ok' };
    } catch (err) {
      return {
        state: this.mode === 'ok' ? 'failed' : this.mode,
        backend: this.backend,
        message: (err as Error).message,
      };
    }
  }

  close(): void {}
}
