import type { Config, KeyMeta } from './schema.ts';

/**
 * A stored secret goes only to the provider address it was last confirmed for. A changed address
 * (a config edit, the admin API) holds the key back until the person confirms the new one on the
 * dashboard, with a code the engine shows outside the admin API: so a stolen admin token alone
 * cannot point a provider at a server of its own and collect the key.
 */

/** Addresses compare without trailing slashes: `…/v1/` and `…/v1` are one address. */
export function sameBaseUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** Why a key may not go to `current`, or null when it may. */
export function unconfirmedBaseUrl(
  key: KeyMeta,
  current: string,
): { current: string; confirmed: string | null } | null {
  const confirmed = key.confirmedBaseUrl;
  if (confirmed !== undefined && confirmed !== '' && sameBaseUrl(confirmed, current)) return null;
  return { current, confirmed: confirmed === undefined || confirmed === '' ? null : confirmed };
}

/** What the proxy, a key test and the log say about a key held back, and what to do. */
export function unconfirmedMessage(
  key: KeyMeta,
  standing: { current: string; confirmed: string | null },
): string {
  const was =
    standing.confirmed === null
      ? 'has not been confirmed for any address'
      : `was confirmed for ${standing.confirmed}`;
  return `Key "${key.id}" ${was}, but provider "${key.provider}" now points at ${standing.current}. Switchyard will not send the key there until you confirm the new address on the dashboard's Providers & keys page.`;
}

/**
 * A config from the admin API with every key's confirmed address as the engine holds it: what a
 * caller sends for `confirmedBaseUrl` is ignored. A key new to the config is confirmed for the
 * catalog's own address only (`shippedBaseUrl`), else left unconfirmed ("").
 */
export function keepConfirmations(
  next: Config,
  current: Config,
  baseUrlOf: (provider: string) => { current: string; shipped?: string } | undefined,
): Config {
  const held = new Map(current.keys.map((k) => [k.id, k.confirmedBaseUrl]));
  return {
    ...next,
    keys: next.keys.map((key) => {
      const { confirmedBaseUrl: _claimed, ...rest } = key;
      if (held.has(key.id)) {
        const kept = held.get(key.id);
        return kept === undefined ? rest : { ...rest, confirmedBaseUrl: kept };
      }
      return { ...rest, confirmedBaseUrl: shippedAddress(key.provider, next, baseUrlOf) };
    }),
  };
}

/** The catalog's own address for a provider when the config leaves it there, else "". */
function shippedAddress(
  provider: string,
  config: Config,
  baseUrlOf: (provider: string) => { current: string; shipped?: string } | undefined,
): string {
  const shipped = baseUrlOf(provider)?.shipped;
  const override = config.providers[provider]?.baseUrl;
  if (shipped === undefined) return '';
  return override === undefined || sameBaseUrl(override, shipped) ? shipped : '';
}
