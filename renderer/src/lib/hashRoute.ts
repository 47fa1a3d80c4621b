import { useSyncExternalStore } from 'react';

/** The dashboard's pages, in the order the navigation lists them. */
export const PAGES = [
  { id: 'overview', title: 'Overview' },
  { id: 'latency', title: 'Latency' },
  { id: 'routes', title: 'Routes' },
  { id: 'providers', title: 'Providers & keys' },
  { id: 'requests', title: 'Requests' },
  { id: 'connect', title: 'Connect' },
] as const;

export type PageId = (typeof PAGES)[number]['id'];

export type HashRoute = { page: PageId; param: string | null };

const PAGE_IDS = new Set<string>(PAGES.map((p) => p.id));

/** `#/requests/abc` → `{ page: 'requests', param: 'abc' }`; anything unknown is the overview. */
export function parseHash(hash: string): HashRoute {
  const [page = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!PAGE_IDS.has(page)) return { page: 'overview', param: null };
  const param = rest.join('/');
  return { page: page as PageId, param: param === '' ? null : decodeURIComponent(param) };
}

export function hrefFor(page: PageId, param?: string | null): string {
  return param ? `#/${page}/${encodeURIComponent(param)}` : `#/${page}`;
}

export function navigate(page: PageId, param?: string | null): void {
  window.location.hash = hrefFor(page, param);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current hash route; re-renders on every hash change. */
export function useHashRoute(): HashRoute {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}
