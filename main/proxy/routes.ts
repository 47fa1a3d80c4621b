import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../app/config/schema.ts';
import { formatIssues } from '../../app/config/parse.ts';
import {
  maxTokensOf,
  promptCharsOf,
  type ProxyRequest,
  type ProxyRequestOf,
  type RelayedRequest,
} from '../../app/formats/proxyRequest.ts';
import { readJsonBody, type BodyResult } from '../server/body.ts';
import type { RequestUrl } from '../server/requestUrl.ts';
import { sendError, sendJson } from '../server/respond.ts';
import type { ResponsesRequest } from '../../app/formats/responses.ts';
import type { ResponseStore } from '../store/storedResponses.ts';
import type { CallerEndpoint } from './adapter.ts';
import {
  answerStoredResponse,
  isStoredResponsePath,
  prepareResponsesRequest,
} from './storedResponses.ts';
import { CALLERS, errorEnvelopeFor, type Caller } from './adapters/registry.ts';
import { geminiModelList } from '../../app/formats/geminiInboundResponse.ts';
import { requestId } from './requestId.ts';

/** The model list clients see: every route name, then every `provider/model` the config names. */
export function modelList(
  config: Config,
  created: number,
): {
  object: 'list';
  data: Array<{ id: string; object: 'model'; created: number; owned_by: string }>;
} {
  const ids = new Set<string>();
  for (const route of config.routes) ids.add(route.name);
  for (const route of config.routes)
    for (const t of route.targets) ids.add(`${t.provider}/${t.model}`);
  return {
    object: 'list',
    data: [...ids].map((id) => ({ id, object: 'model', created, owned_by: 'switchyard' })),
  };
}

/** The headers routing reads, whatever the caller's format: user agent, forced route, session. */
function addRoutingHeaders(
  request: Pick<ProxyRequest, 'userAgent' | 'forcedRoute' | 'sessionHeader'>,
  headers: IncomingMessage['headers'],
): void {
  const userAgent = oneHeader(headers, 'user-agent');
  if (userAgent !== undefined) request.userAgent = userAgent;
  const forcedRoute = oneHeader(headers, 'x-switchyard-route');
  if (forcedRoute !== undefined) request.forcedRoute = forcedRoute;
  const sessionHeader =
    oneHeader(headers, 'session_id') ??
    oneHeader(headers, 'session-id') ??
    oneHeader(headers, 'x-session-id');
  if (sessionHeader !== undefined) request.sessionHeader = sessionHeader;
}

function oneHeader(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The body as the request path reads it: as it came where the endpoint's hand check passes it
 * (or its schema does, unless the schema fills in defaults), else the schema's decoding of it,
 * or the schema's issues.
 */
export function decodeBody(
  endpoint: CallerEndpoint,
  body: Record<string, unknown>,
): ReturnType<CallerEndpoint['schema']['safeParse']> {
  if (endpoint.asSent?.(body) === true) return { success: true, data: body };
  const parsed = endpoint.schema.safeParse(body);
  return parsed.success && endpoint.asSent !== undefined && endpoint.schemaFills !== true
    ? { success: true, data: body }
    : parsed;
}

/** An endpoint served, with its caller side and what its path says (model, streaming). */
type Endpoint = CallerEndpoint & {
  caller: Caller;
  model?: string;
  stream?: boolean;
  jsonArrayStream?: true;
};

/** A path whose segment names the model (Gemini's `models/{model}:method`). */
function matchPath(pathname: string, query: URLSearchParams): Endpoint | undefined {
  for (const caller of CALLERS) {
    const found = caller.match?.(pathname, query);
    if (found !== undefined) return { ...found, caller };
  }
  return undefined;
}

/** Every path a caller format serves, with its format's caller side. */
const ENDPOINTS = new Map<string, Endpoint>(
  CALLERS.flatMap((caller) =>
    Object.entries(caller.endpoints).map(([path, endpoint]) => [path, { ...endpoint, caller }]),
  ),
);

/** Every endpoint served, as the unknown-endpoint answer lists them. */
const SERVED = [
  ...[...ENDPOINTS.keys()].map((path) => `POST ${path}`),
  'GET /v1/models',
  'GET /v1/responses/{id}',
  'DELETE /v1/responses/{id}',
  ...CALLERS.flatMap((caller) => caller.matchedPaths ?? []),
];

export type ProxyDeps = {
  config: () => Config;
  startedAt: number;
  dispatch: (req: RelayedRequest, res: ServerResponse) => Promise<void>;
  countTokens: (
    req: ProxyRequestOf<'count_tokens' | 'gemini_count_tokens'>,
    res: ServerResponse,
  ) => Promise<void>;
  clock: () => number;
  /** Stored Responses API answers (previous_response_id, GET/DELETE /v1/responses/{id}). */
  responses: ResponseStore;
};

/**
 * The /v1 surface: decodes each request once at the edge (size limit, UTF-8, JSON, the endpoint's
 * schema) and answers bad input at once, in the caller's own error format, before any provider
 * is involved.
 */
export function createProxyHandler(deps: ProxyDeps) {
  const created = Math.floor(deps.startedAt / 1000);
  // Not async functions: the body's arrival is the one wait before the dispatch, taken with a
  // `then`; an async frame with its awaits cost some 350 bytes more per request.
  return (req: IncomingMessage, res: ServerResponse, url: RequestUrl): Promise<void> | void => {
    // Read once: URL's getter slices a new string on every read.
    const { pathname } = url;
    const dialect = errorEnvelopeFor(pathname, req.headers);
    if (pathname === '/v1/models' && req.method === 'GET') {
      sendJson(res, 200, modelList(deps.config(), created));
      return;
    }
    if (pathname.startsWith('/v1/models/') && req.method === 'GET') {
      let id: string;
      try {
        id = decodeURIComponent(pathname.slice('/v1/models/'.length));
      } catch {
        sendError(res, dialect, 400, 'The model id in the path is not valid URL encoding.');
        return;
      }
      const model = modelList(deps.config(), created).data.find((m) => m.id === id);
      if (model) sendJson(res, 200, model);
      else
        sendError(
          res,
          dialect,
          404,
          `No model "${id}": send a route name or "provider/model".`,
          'model_not_found',
        );
      return;
    }
    if (isStoredResponsePath(pathname))
      return answerStoredResponse(deps.responses, req.method, pathname, res, dialect);
    if (pathname === '/v1beta/models' && req.method === 'GET') {
      sendJson(res, 200, geminiModelList(modelList(deps.config(), created).data));
      return;
    }
    if (pathname.startsWith('/v1beta/models/') && req.method === 'GET') {
      const id = pathname.slice('/v1beta/models/'.length);
      const listed = geminiModelList(modelList(deps.config(), created).data).models;
      const model = listed.find((m) => m.name === `models/${id}`);
      if (model) sendJson(res, 200, model);
      else sendError(res, dialect, 404, `No model "${id}": send a route name or "provider/model".`);
      return;
    }
    const endpoint = ENDPOINTS.get(pathname) ?? matchPath(pathname, url.searchParams);
    if (!endpoint) {
      sendError(
        res,
        dialect,
        404,
        `Unknown endpoint ${req.method} ${pathname}. Switchyard serves ${SERVED.join(', ')} (the /v1 paths also without /v1). Check the base URL your tool is given.`,
        'unknown_url',
      );
      return;
    }
    if (req.method !== 'POST') {
      sendError(
        res,
        dialect,
        405,
        `${pathname} takes POST, not ${req.method}.`,
        'method_not_allowed',
        { allow: 'POST' },
      );
      return;
    }
    return readJsonBody(req, deps.config().settings.maxBodyBytes).then((body) =>
      relay(req, res, endpoint, dialect, body),
    );
  };

  /** A request whose body has arrived: checked against its endpoint, then answered or dispatched. */
  function relay(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: Endpoint,
    dialect: ReturnType<typeof errorEnvelopeFor>,
    body: BodyResult,
  ): Promise<void> | void {
    if (!body.ok) {
      sendError(
        res,
        dialect,
        body.status,
        body.message,
        body.status === 413
          ? 'request_too_large'
          : body.status === 408
            ? 'request_timeout'
            : 'invalid_body',
        body.headers,
      );
      return;
    }
    if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
      sendError(res, dialect, 400, 'The request body must be a JSON object.', 'invalid_body');
      return;
    }
    const parsed = decodeBody(endpoint, body.value as Record<string, unknown>);
    if (!parsed.success) {
      sendError(
        res,
        dialect,
        400,
        `Invalid request: ${formatIssues(parsed.error).slice(0, 5).join('; ')}`,
        'invalid_request',
      );
      return;
    }
    if (endpoint.kind !== 'responses') return send(req, res, endpoint, parsed.data, undefined);
    return prepareResponsesRequest(deps.responses, parsed.data as ResponsesRequest).then(
      (prepared) => {
        if (!prepared.ok) {
          sendError(res, dialect, prepared.status, prepared.message, prepared.code);
          return;
        }
        return send(req, res, endpoint, prepared.body, prepared.keepResponse);
      },
    );
  }

  /** The request made of a checked body, sent on to its handler. */
  function send(
    req: IncomingMessage,
    res: ServerResponse,
    endpoint: Endpoint,
    value: Record<string, unknown>,
    keepResponse: ProxyRequest['keepResponse'],
  ): Promise<void> {
    // The schema checked the body against this kind and format: the union's pairing holds.
    const receivedAt = deps.clock();
    // Its optional fields set where present: spreads of the objects that held them made each twice.
    const request = {
      id: requestId(receivedAt),
      kind: endpoint.kind,
      inbound: endpoint.caller.format,
      body: value,
      model: endpoint.model ?? (value.model as string),
      stream: endpoint.stream ?? value.stream === true,
      promptChars: promptCharsOf(value),
      maxTokens: maxTokensOf(value),
      receivedAt,
      ...endpoint.caller.headers(req.headers),
    } as ProxyRequest;
    addRoutingHeaders(request, req.headers);
    if (keepResponse) request.keepResponse = keepResponse;
    if (endpoint.jsonArrayStream === true) request.jsonArrayStream = true;
    return request.kind === 'count_tokens' || request.kind === 'gemini_count_tokens'
      ? deps.countTokens(request, res)
      : deps.dispatch(request, res);
  }
}
