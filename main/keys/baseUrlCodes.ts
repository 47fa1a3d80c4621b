import { randomInt } from 'node:crypto';
import { sameBaseUrl } from '../../app/config/confirmedBaseUrl.ts';
import { secretEquals } from './secretEquals.ts';

/** Long enough to read and type; short enough that a guess is pointless with a few tries. */
const CODE_LIFETIME_MS = 5 * 60_000;
const MAX_TRIES = 3;

type Pending = { baseUrl: string; code: string; expiresAt: number; triesLeft: number };

/**
 * One-use codes that confirm a key's new provider address. A code is shown only outside the admin
 * API (the engine's terminal, the app's own dialog), so holding the admin token is not enough to
 * confirm an address. A code is for one key and one address, expires, and is void after
 * MAX_TRIES wrong guesses.
 */
export class BaseUrlCodes {
  readonly #pending = new Map<string, Pending>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** A fresh code for `keyId` and `baseUrl`, replacing any earlier one for that key. */
  issue(keyId: string, baseUrl: string): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    this.#pending.set(keyId, {
      baseUrl,
      code,
      expiresAt: this.#now() + CODE_LIFETIME_MS,
      triesLeft: MAX_TRIES,
    });
    return code;
  }

  /** Whether `code` confirms `baseUrl` for `keyId`; a right code is used up, wrong ones count. */
  redeem(keyId: string, baseUrl: string, code: string): boolean {
    const pending = this.#pending.get(keyId);
    if (pending === undefined || pending.expiresAt <= this.#now()) {
      this.#pending.delete(keyId);
      return false;
    }
    if (sameBaseUrl(pending.baseUrl, baseUrl) && secretEquals(code, pending.code)) {
      this.#pending.delete(keyId);
      return true;
    }
    pending.triesLeft--;
    if (pending.triesLeft <= 0) this.#pending.delete(keyId);
    return false;
  }
}
