import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { RequestUrl } from './requestUrl.ts';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether a `--host` value binds to loopback only. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The hostname part of a Host header, lower-cased; '' when malformed. */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? '' : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * DNS rebinding defence: a page on evil.example that rebinds its name to 127.0.0.1 still sends
 * `Host: evil.example`, so only loopback names (or 127/8 addresses) are let through.
 */
export function hostAllowed(hostHeader: string | undefined, allowRemote: boolean): boolean {
  if (allowRemote) return true;
  const name = hostnameOf(hostHeader);
  // Only a port may follow the name: `127.0.0.1:1@evil.example` is no Host a browser sends.
  const rest = (hostHeader ?? '').trim().slice(name.length);
  if (!/^(:\d{1,5})?$/.test(rest)) return false;
  return LOOPBACK_NAMES.has(name) || (isIP(name) === 4 && name.startsWith('127.'));
}

/**
 * Drive-by defence: browsers send Origin on cross-site requests. Requests without one come from
 * SDKs and tools; with one, it must be the dashboard's own origin (origins the user allowed for
 * the proxy are let in by the server, for proxy paths only).
 */
export function originAllowed(
  origin: string | undefined,
  ownOrigins: ReadonlySet<string>,
): boolean {
  if (origin === undefined) return true;
  return ownOrigins.has(origin.toLowerCase());
}

/** Request headers a browser tool may send the proxy: what the OpenAI, Anthropic and Google SDKs send. */
const CORS_REQUEST_HEADERS = new Set([
  'authorization',
  'content-type',
  'accept',
  'x-api-key',
  'anthropic-version',
  'anthropic-beta',
  'anthropic-dangerous-direct-browser-access',
  'x-goog-api-key',
  'x-goog-api-client',
]);

/**
 * The headers a preflight may be granted, from those it asked for: the SDKs' own (the OpenAI
 * and Anthropic SDKs add `x-stainless-*`), never an arbitrary one.
 */
export function corsAllowedHeaders(requested: string | undefined): string {
  const names = (requested ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => CORS_REQUEST_HEADERS.has(name) || /^x-stainless-[a-z0-9-]+$/.test(name));
  return [...new Set([...CORS_REQUEST_HEADERS, ...names])].join(', ');
}

/** Answer headers a browser tool may read: which route, provider and model answered, when to retry. */
export const CORS_EXPOSED_HEADERS =
  'x-switchyard-request-id, x-switchyard-route, x-switchyard-provider, x-switchyard-model, x-switchyard-attempts, retry-after';

/**
 * The second drive-by defence: browsers label each request with `Sec-Fetch-Site`, also the ones
 * they send without Origin (a no-cors GET from an image, a script, a link). `cross-site` is a page
 * elsewhere; `same-site` is a page on another port of this machine (ports do not make a new site,
 * and cookies would go along). The API refuses both. No header (SDKs, curl), `same-origin`
 * (the dashboard) and `none` (an address the user typed) pass.
 */
export function fetchSiteAllowed(value: string | string[] | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return false;
  const site = value.trim().toLowerCase();
  return site === 'same-origin' || site === 'none';
}

/**
 * The proxy key as SDKs send it: `Authorization: Bearer …` (OpenAI), `x-api-key` (Anthropic),
 * `x-goog-api-key` or the `key` query parameter (Gemini).
 */
export function presentedProxyKey(req: IncomingMessage, url?: RequestUrl): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    return auth.slice(7).trim();
  }
  for (const name of ['x-api-key', 'x-goog-api-key']) {
    const apiKey = req.headers[name];
    if (typeof apiKey === 'string') return apiKey.trim();
  }
  return url?.searchParams.get('key') ?? undefined;
}

/**
 * The admin token, from `Authorization: Bearer` only. There is no session cookie: cookies are not
 * scoped by port, so one would reach every other server on 127.0.0.1 that the browser visits.
 */
export function presentedAdminToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined && auth.slice(0, 7).toLowerCase() === 'bearer ')
    return auth.slice(7).trim();
  return undefined;
}
