import { z } from 'zod';
import { ConfigSchema, type Config } from '../config/schema.ts';

/**
 * One admin endpoint: method, path (`:name` segments are parameters), the zod schema its body
 * must satisfy, and the type of its answer. The server registers handlers from ADMIN_API and
 * validates every body; the renderer's client is typed from the same map.
 */
export type EndpointDef<Req extends z.ZodType, Res> = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  request: Req;
  /** Phantom: carries the response type; never read at run time. */
  response: Res;
};

function endpoint<Res>() {
  return <Req extends z.ZodType>(
    method: EndpointDef<Req, Res>['method'],
    path: string,
    request: Req,
  ) => ({ method, path, request, response: undefined as unknown as Res }) as EndpointDef<Req, Res>;
}

const NoBody = z.undefined();

export type EngineStatus = {
  version: string;
  proxyUrl: string;
  dataDir: string;
  configPath: string;
  /** Problems of the last hand edit of the config that was refused; [] when the file is live. */
  configErrors: string[];
  startedAt: string;
};

export const ADMIN_API = {
  status: endpoint<EngineStatus>()('GET', '/admin/status', NoBody),
  getConfig: endpoint<Config>()('GET', '/admin/config', NoBody),
  putConfig: endpoint<Config>()('PUT', '/admin/config', ConfigSchema),
} as const;

export type AdminApi = typeof ADMIN_API;
export type EndpointName = keyof AdminApi;
export type RequestOf<N extends EndpointName> = z.input<AdminApi[N]['request']>;
export type ParsedRequestOf<N extends EndpointName> = z.output<AdminApi[N]['request']>;
export type ResponseOf<N extends EndpointName> = AdminApi[N]['response'];

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

/** Fills a path template with parameters, for the client side. */
export function fillPath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/:([A-Za-z]+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
}
