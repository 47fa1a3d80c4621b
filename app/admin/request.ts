import {
  ADMIN_API,
  type EndpointName,
  type ParamsOf,
  type QueryOf,
  type RequestOf,
} from './contract.ts';

/** One admin call as the contract spells it: both clients (dashboard, CLI) hand this to fetch. */
export type AdminRequest = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path and query string, relative to the engine's address. */
  path: string;
  headers: Record<string, string>;
  /** JSON text for POST and PUT (`{}` when the endpoint needs no input); absent otherwise. */
  body?: string;
};

type NoKeys<T> = [keyof T] extends [never] ? true : false;

/**
 * What a caller gives for one endpoint: `params` when its path has `:name` segments, `query`
 * when it takes a query string (values may be the strings a command line gives), `body` when
 * its request schema wants one.
 */
export type AdminCallInput<N extends EndpointName> = (NoKeys<ParamsOf<N>> extends true
  ? { params?: undefined }
  : { params: ParamsOf<N> }) &
  ([QueryOf<N>] extends [never]
    ? { query?: undefined }
    : { query?: { [K in keyof QueryOf<N>]?: QueryOf<N>[K] | string } }) &
  ([RequestOf<N>] extends [undefined] ? { body?: undefined } : { body: RequestOf<N> });

/** Matches a concrete path against an endpoint path template; returns its parameters or null. */
export function matchPath(template: string, pathname: string): Record<string, string> | null {
  const want = template.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const g = got[i] as string;
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null;
      }
    } else if (w !== g) return null;
  }
  return params;
}

/** Fills a path template with parameters; a parameter the template names but the caller left out is an error. */
export function fillPath(template: string, params: Readonly<Record<string, string>> = {}): string {
  return template.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new Error(`${template} needs the path parameter "${name}"`);
    }
    return encodeURIComponent(value);
  });
}

function queryString(query: Readonly<Record<string, unknown>> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Turns (endpoint name, params, query, body) into the HTTP request the engine's router expects,
 * from ADMIN_API alone, so no client spells a path or a method by hand.
 */
export function buildAdminRequest<N extends EndpointName>(
  name: N,
  input: AdminCallInput<N>,
): AdminRequest {
  const def = ADMIN_API[name];
  const { params, query, body } = input as {
    params?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
  };
  const path = `${fillPath(def.path, params)}${queryString(query)}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (def.method !== 'POST' && def.method !== 'PUT') return { method: def.method, path, headers };
  headers['content-type'] = 'application/json';
  return { method: def.method, path, headers, body: JSON.stringify(body ?? {}) };
}
