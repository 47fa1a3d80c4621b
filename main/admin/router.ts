import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  ADMIN_API,
  type EndpointName,
  type ParamsOf,
  type ParsedQueryOf,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../app/admin/contract.ts';
import { matchPath } from '../../app/admin/request.ts';
import { fieldIssues, formatIssues } from '../../app/config/parse.ts';
import { readJsonBody } from '../server/body.ts';
import { sendError, sendJson } from '../server/respond.ts';
import type { RequestUrl } from '../server/requestUrl.ts';
import { AdminError, adminErrorOf } from './errors.ts';

/** What a handler receives: every part already checked against the contract. */
export type AdminInput<N extends EndpointName> = {
  body: ParsedRequestOf<N>;
  params: ParamsOf<N>;
  query: ParsedQueryOf<N>;
};

export type AdminHandlers = {
  [N in EndpointName]: (input: AdminInput<N>) => Promise<ResponseOf<N>> | ResponseOf<N>;
};

type Registered = { name: EndpointName; method: string; path: string };

const ROUTES: readonly Registered[] = (Object.keys(ADMIN_API) as EndpointName[]).map((name) => ({
  name,
  method: ADMIN_API[name].method,
  path: ADMIN_API[name].path,
}));

const ADMIN_BODY_LIMIT = 1024 * 1024;

/** A 400 naming each refused field, for a body or a query string the contract refuses. */
function refused(error: z.ZodError, code: 'invalid_body' | 'invalid_query'): AdminError {
  return new AdminError(400, formatIssues(error).join('; '), code, fieldIssues(error));
}

/**
 * Validates the query string with the endpoint's query schema. An endpoint without one ignores
 * the query string, as it always has (a browser may append a cache-buster).
 */
function parseQuery(name: EndpointName, search: URLSearchParams) {
  const schema: z.ZodType | undefined = ADMIN_API[name].query;
  if (schema === undefined) return { ok: true as const, value: undefined };
  const parsed = schema.safeParse(Object.fromEntries(search));
  return parsed.success
    ? { ok: true as const, value: parsed.data }
    : { ok: false as const, error: refused(parsed.error, 'invalid_query') };
}

/**
 * Serves the admin API from the contract: finds the endpoint, validates the query string and the
 * body with its zod schemas (400 naming the field), runs the handler, answers JSON. Auth
 * happened before this.
 */
export async function handleAdmin(
  handlers: AdminHandlers,
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestUrl,
  log: (message: string) => void,
  mask: (text: string) => string,
): Promise<void> {
  let pathMatched = false;
  for (const route of ROUTES) {
    const params = matchPath(route.path, url.pathname);
    if (params === null) continue;
    pathMatched = true;
    if (route.method !== req.method) continue;
    let raw: unknown;
    if (req.method === 'POST' || req.method === 'PUT') {
      const body = await readJsonBody(req, ADMIN_BODY_LIMIT);
      if (!body.ok) {
        sendError(
          res,
          'admin',
          body.status,
          body.message,
          body.status === 408 ? 'request_timeout' : 'invalid_body',
          body.headers,
        );
        return;
      }
      raw = body.value;
    }
    const query = parseQuery(route.name, url.searchParams);
    if (!query.ok) {
      sendJson(res, query.error.status, query.error.body());
      return;
    }
    const parsed = ADMIN_API[route.name].request.safeParse(raw);
    if (!parsed.success) {
      const error = refused(parsed.error, 'invalid_body');
      sendJson(res, error.status, error.body());
      return;
    }
    try {
      const handler = handlers[route.name] as (input: AdminInput<EndpointName>) => unknown;
      const result = await handler({
        body: parsed.data as never,
        params: params as never,
        query: query.value as never,
      });
      // Handing out the proxy key is that endpoint's job; nothing else may carry a secret.
      sendJson(res, 200, result ?? { ok: true }, {}, route.name === 'proxyKey' ? undefined : mask);
    } catch (err) {
      const known = adminErrorOf(err);
      if (known !== undefined) {
        sendJson(res, known.status, known.body(), {}, mask);
        return;
      }
      log(`admin ${route.name} failed: ${(err as Error).message}`);
      sendError(
        res,
        'admin',
        500,
        mask(`Switchyard could not complete "${route.name}": ${(err as Error).message}`),
      );
    }
    return;
  }
  if (pathMatched) sendError(res, 'admin', 405, `${req.method} is not allowed on ${url.pathname}.`);
  else sendError(res, 'admin', 404, `No admin endpoint at ${url.pathname}.`);
}
