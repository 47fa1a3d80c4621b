import type { KeyTestResult, KeyView } from '../../app/admin/types.ts';
import {
  sameBaseUrl,
  unconfirmedBaseUrl,
  unconfirmedMessage,
} from '../../app/config/confirmedBaseUrl.ts';
import type { Config, KeyMeta } from '../../app/config/schema.ts';
import { KeyStoreError } from './keyErrors.ts';

/**
 * A provider's address now (`current`) and in the shipped catalog (`shipped`). With it, a key
 * goes only to the address it was confirmed for (app/config/confirmedBaseUrl.ts).
 */
export type BaseUrlOf = (provider: string) => { current: string; shipped?: string } | undefined;

/** Where each key may go: the address it was confirmed for, against where its provider points now. */
export class BaseUrlConfirmation {
  readonly #baseUrlOf: BaseUrlOf | undefined;

  constructor(baseUrlOf: BaseUrlOf | undefined) {
    this.#baseUrlOf = baseUrlOf;
  }

  /** `{unconfirmedBaseUrl}` while the key's provider points where it was not confirmed for. */
  standing(key: KeyMeta): Pick<KeyView, 'unconfirmedBaseUrl'> {
    const current = this.#baseUrlOf?.(key.provider)?.current;
    const standing = current === undefined ? null : unconfirmedBaseUrl(key, current);
    return standing === null ? {} : { unconfirmedBaseUrl: standing };
  }

  /** 409 while the key may not go where its provider points. */
  refuseUnconfirmed(key: KeyMeta): void {
    // Asked for every request: read as `standing` reads it, without the view object it makes.
    const current = this.#baseUrlOf?.(key.provider)?.current;
    const standing = current === undefined ? null : unconfirmedBaseUrl(key, current);
    if (standing !== null)
      throw new KeyStoreError(409, 'base_url_unconfirmed', unconfirmedMessage(key, standing));
  }

  /**
   * The address a new key is confirmed for, or null without provider addresses to go by. A
   * secret the caller typed may go where the provider points now: the caller has it already.
   * One the engine holds (an environment variable, an import) goes only to the catalog's own
   * address until the person confirms another.
   */
  forNewKey(provider: string, typedByCaller: boolean): string | null {
    const address = this.#baseUrlOf?.(provider);
    if (address === undefined) return null;
    if (typedByCaller) return address.current;
    return address.shipped !== undefined && address.shipped === address.current
      ? address.shipped
      : '';
  }

  /** The test result of a new key that may not go to its provider's address yet, or undefined. */
  heldBack(provider: string, confirmedBaseUrl: string, now: number): KeyTestResult | undefined {
    const current = this.#baseUrlOf?.(provider)?.current;
    if (current === undefined || confirmedBaseUrl === current) return undefined;
    return {
      outcome: 'skipped',
      message: `Not checked: ${provider} points at ${current}, which you have not confirmed for this key. Confirm the address on the Providers & keys page first.`,
      latencyMs: null,
      testedAt: new Date(now).toISOString(),
    };
  }

  /**
   * The config with the current address recorded for every key that has none yet (keys from a
   * config written by hand or by an older version, confirmed by the person's own file), or
   * undefined when there is nothing to record.
   */
  fillMissing(config: Config): Config | undefined {
    const baseUrlOf = this.#baseUrlOf;
    if (baseUrlOf === undefined || config.keys.every((k) => k.confirmedBaseUrl !== undefined)) {
      return undefined;
    }
    return {
      ...config,
      keys: config.keys.map((k) => {
        const current = baseUrlOf(k.provider)?.current;
        return k.confirmedBaseUrl !== undefined || current === undefined
          ? k
          : { ...k, confirmedBaseUrl: current };
      }),
    };
  }

  /** The address `baseUrl` confirms for `key`: it must be where the provider points now. */
  confirmable(key: KeyMeta, baseUrl: string): string {
    const current = this.#baseUrlOf?.(key.provider)?.current;
    if (current === undefined || !sameBaseUrl(current, baseUrl)) {
      throw new KeyStoreError(
        409,
        'base_url_changed',
        `Provider "${key.provider}" no longer points at ${baseUrl}${current ? ` but at ${current}` : ''}; review the new address and confirm again.`,
      );
    }
    return current;
  }
}
