import { BRIDGE_GLOBAL, type SwitchyardBridge } from '../../../app/shell/bridge.ts';

/**
 * The admin session, carried without a cookie. Cookies are not scoped by port, so a session
 * cookie would reach every other server on 127.0.0.1 the person opens in the same browser.
 * Instead the dashboard link carries the token in its fragment (`#token=…`, which a browser never
 * sends to a server), the page keeps it in sessionStorage (this tab only) and sends it as a header.
 * The Electron window gets it from the preload's bridge instead.
 */
const STORAGE_KEY = 'switchyard.adminToken';
const FRAGMENT = /^#token=([^&]+)$/;

/** The Electron preload's bridge, absent in a browser tab. */
export function bridge(): SwitchyardBridge | undefined {
  return (globalThis as unknown as Record<string, SwitchyardBridge | undefined>)[BRIDGE_GLOBAL];
}

/** Where /admin lives: the bridge's engine origin in Electron, this page's own origin in a browser. */
export function adminBase(): string {
  return bridge()?.adminUrl ?? '';
}

/**
 * Moves a `#token=…` from the address into sessionStorage and takes it off the address at once,
 * so it is not left in the history, a bookmark or a screenshot. Runs before the first render.
 */
export function adoptTokenFromFragment(): void {
  const match = FRAGMENT.exec(window.location.hash);
  if (match === null) return;
  sessionStorage.setItem(STORAGE_KEY, decodeURIComponent(match[1] as string));
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** The header every admin call and the event stream send; empty without a token. */
export function adminAuthHeaders(): Record<string, string> {
  const token = bridge()?.adminToken ?? sessionStorage.getItem(STORAGE_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}
