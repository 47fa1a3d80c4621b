import { originOf } from './ipcGuards.ts';

/** What to do with a navigation or a new-window request. */
export type NavigationDecision = 'allow' | 'open-externally' | 'deny';

function isWebLink(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '';
  } catch {
    return false;
  }
}

/**
 * The window only ever shows the engine's own pages. A link elsewhere opens in the system browser
 * when it is a plain web link clicked in the top frame; everything else (file:, javascript:,
 * custom schemes, subframes leaving the origin) is refused.
 */
export function navigationDecision(
  url: string,
  appOrigin: string,
  isMainFrame: boolean,
): NavigationDecision {
  if (originOf(url) === appOrigin) return 'allow';
  return isMainFrame && isWebLink(url) ? 'open-externally' : 'deny';
}

/** `window.open` and `target=_blank` never make a window here; web links go to the system browser. */
export function windowOpenDecision(url: string): Exclude<NavigationDecision, 'allow'> {
  return isWebLink(url) ? 'open-externally' : 'deny';
}

/**
 * Permission requests and checks: all refused, except writing to the clipboard from our own
 * dashboard (its "copy proxy key" buttons), which Chromium treats as a permission too.
 */
export function permissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  appOrigin: string,
): boolean {
  if (permission !== 'clipboard-sanitized-write') return false;
  return requestingUrl !== undefined && originOf(requestingUrl) === appOrigin;
}
