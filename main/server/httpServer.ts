import { secretEquals } from '../keys/secretEquals.ts';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createServer } from './nodeHttp.ts';
import {
  CORS_EXPOSED_HEADERS,
  corsAllowedHeaders,
  fetchSiteAllowed,
  hostAllowed,
  originAllowed,
  presentedAdminToken,
  presentedProxyKey,
} from './guards.ts';
import { BODY_TIMEOUT_MS, requestsWithBodyTime } from './body.ts';
import { sendError, BASE_HEADERS, type ErrorDialect, type ErrorEnvelope } from './respond.ts';
import { serveStatic } from './staticFiles.ts';
import { parseRequestUrl, type RequestUrl } from './requestUrl.ts';

export type RequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: RequestUrl,
) => Promise<void> | void;

/** How long a client may take to send a request; a response may take as long as it needs. */
export type ServerTimeouts = {
  /** From the connection's first byte (or the previous request) to the end of the headers. */
  headersMs: number;
  /** From the end of the headers to the end of the body (main/server/body.ts enforces it). */
  bodyMs: number;
};

/**
 * Headers are a few hundred bytes from a local tool: 30 s is generous and still frees a
 * socket a slowloris client holds, before any authentication. The body bound is body.ts's.
 */
export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 30_000,
  bodyMs: BODY_TIMEOUT_MS,
};

/**
 * Node's own whole-request bound sits up to this far beyond headers + body, as a backstop for a
 * body nobody reads (a handler that answered without reading it): body.ts answers 408 first.
 */
const REQUEST_BACKSTOP_MS = 5_000;

/** Node's whole-request bound: headers, body, and a backstop margin no longer than the body's. */
function requestTimeoutMs(timeouts: ServerTimeouts): number {
  return timeouts.headersMs + timeouts.bodyMs + Math.min(REQUEST_BACKSTOP_MS, timeouts.bodyMs);
}

export type HttpServerOptions = {
  allowRemote: boolean;
  /** Changes when the user rotates it; read on every request. */
  proxyKey: () => string;
  adminToken: string;
  dashboardDir: string;
  proxy: RequestHandler;
  /** The error envelope of the caller format a non-admin request belongs to (the proxy's). */
  proxyErrors: (pathname: string, headers: IncomingHttpHeaders) => ErrorEnvelope;
  /** Web origins the user allowed to call the proxy from a browser (settings.allowedOrigins). */
  allowedOrigins: () => readonly string[];
  /** The path the proxy serves a request under (`/chat/completions` → `/v1/chat/completions`). */
  proxyPath: (pathname: string) => string;
  admin: RequestHandler;
  log: (message: string) => void;
  /** Shortened by tests; DEFAULT_SERVER_TIMEOUTS otherwise. */
  timeouts?: Partial<ServerTimeouts>;
  /** Told of each request and of each moment nothing is in flight (the heap's release). */
  activity?: { started(): void; settled(): void };
};

export type RunningServer = {
  server: Server;
  port: number;
  origins: Set<string>;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close: (graceMs: number) => Promise<void>;
};

/** Answers for requests Node's parser refuses before any handler runs, by its error code. */
const CLIENT_ERRORS: Record<string, [status: string, message: string]> = {
  HPE_HEADER_OVERFLOW: [
    '431 Request Header Fields Too Large',
    'The request headers are larger than the server takes.',
  ],
  ERR_HTTP_REQUEST_TIMEOUT: ['408 Request Timeout', 'The request headers did not arrive in time.'],
  HPE_HEADERS_TIMEOUT: ['408 Request Timeout', 'The request headers did not arrive in time.'],
};

/**
 * The one HTTP server of the engine: proxy under /v1, admin under /admin, the dashboard
 * elsewhere. Every request passes the Host and Origin checks first; /v1 needs the proxy key,
 * /admin the session token.
 */
export async function startHttpServer(
  host: string,
  port: number,
  options: HttpServerOptions,
): Promise<RunningServer> {
  const origins = new Set<string>();
  const sockets = new Set<Socket>();
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const dialectFor = (pathname: string, headers: IncomingHttpHeaders = {}): ErrorDialect =>
    pathname.startsWith('/admin') ? 'admin' : options.proxyErrors(pathname, headers);

  // Not an async function: its three awaits were each its last step, and an async frame per
  // request only to pass a promise on costs some 400 bytes; the caller catches a throw as well.
  const handle = (req: IncomingMessage, res: ServerResponse): Promise<void> | void => {
    const requested = req.url ?? '/';
    const query = requested.indexOf('?');
    const pathname = options.proxyPath(query === -1 ? requested : requested.slice(0, query));
    const rawUrl = query === -1 ? pathname : pathname + requested.slice(query);
    // The error format is looked up only for an error: most requests pass every check.
    const dialect = () => dialectFor(pathname, req.headers);
    if (!hostAllowed(req.headers.host, options.allowRemote)) {
      sendError(
        res,
        dialect(),
        403,
        'Host not allowed: Switchyard answers only to loopback names (127.0.0.1, localhost). Use http://127.0.0.1:PORT.',
        'host_not_allowed',
      );
      return;
    }
    const admin = pathname === '/admin' || pathname.startsWith('/admin/');
    // The dashboard is read-only: anything but a read outside /admin is for the proxy, which
    // answers an unknown endpoint with the list of those it serves.
    const proxyPath =
      pathname === '/v1' ||
      pathname.startsWith('/v1/') ||
      pathname === '/v1beta' ||
      pathname.startsWith('/v1beta/') ||
      (!admin && pathname !== '/healthz' && req.method !== 'GET' && req.method !== 'HEAD');
    const origin = req.headers.origin;
    // A web page the user allowed (settings.allowedOrigins) may call the proxy, with the key,
    // and nothing else: the admin API never takes a foreign origin.
    const corsOrigin =
      origin !== undefined && proxyPath && options.allowedOrigins().includes(origin)
        ? origin
        : undefined;
    if (corsOrigin === undefined && !originAllowed(origin, origins)) {
      sendError(
        res,
        dialect(),
        403,
        'Cross-origin request refused: only the Switchyard dashboard may call this server from a browser.',
        'origin_not_allowed',
      );
      return;
    }
    if (corsOrigin !== undefined) {
      res.setHeader('access-control-allow-origin', corsOrigin);
      res.setHeader('vary', 'Origin');
      res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS);
      if (req.method === 'OPTIONS') {
        const requested = req.headers['access-control-request-headers'];
        res.writeHead(204, {
          ...BASE_HEADERS,
          'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
          'access-control-allow-headers': corsAllowedHeaders(
            typeof requested === 'string' ? requested : undefined,
          ),
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
    }
    const api = proxyPath || admin;
    // An allowed origin's requests are cross-site by nature; its Origin says which page sent them.
    if (api && corsOrigin === undefined && !fetchSiteAllowed(req.headers['sec-fetch-site'])) {
      sendError(
        res,
        dialect(),
        403,
        'Cross-site request refused: the browser says a page on another site sent it; only the Switchyard dashboard may call this API from a browser.',
        'cross_site_request',
      );
      return;
    }
    let url: RequestUrl;
    try {
      url = parseRequestUrl(rawUrl);
    } catch {
      sendError(res, dialect(), 400, 'The request URL is malformed.');
      return;
    }
    if (pathname === '/healthz') {
      res.writeHead(200, {
        ...BASE_HEADERS,
        'content-type': 'application/json',
        'cache-control': 'no-store',
      });
      res.end('{"status":"ok"}');
      return;
    }
    if (proxyPath) {
      if (!secretEquals(presentedProxyKey(req, url), options.proxyKey())) {
        sendError(
          res,
          dialect(),
          401,
          'Missing or wrong Switchyard proxy key. Send it as "Authorization: Bearer <key>", "x-api-key" or "x-goog-api-key"; find it in the dashboard (Connect) or the output of "switchyard serve".',
          'invalid_proxy_key',
        );
        return;
      }
      return options.proxy(req, res, url);
    }
    if (admin) {
      if (!secretEquals(presentedAdminToken(req), options.adminToken)) {
        sendError(
          res,
          'admin',
          401,
          'Missing or wrong admin token: send it as "Authorization: Bearer <token>". Open the dashboard link that "switchyard serve" printed (it carries #token=…), or use the token in engine.json in the data folder.',
          'invalid_admin_token',
        );
        return;
      }
      return options.admin(req, res, url);
    }
    return serveStatic(options.dashboardDir, req, res, pathname);
  };

  /** A request whose handling threw: logged, and a 500 when nothing was sent yet. */
  const failed = (req: IncomingMessage, res: ServerResponse, err: unknown) => {
    options.log(
      `request ${req.method} ${req.url?.split('?')[0]} failed: ${(err as Error).message}`,
    );
    if (!res.headersSent)
      sendError(
        res,
        dialectFor(options.proxyPath((req.url ?? '/').split('?', 1)[0] as string), req.headers),
        500,
        'Switchyard hit an internal error; see its log.',
      );
    else res.destroy();
  };
  const responseClosed = () => {
    inFlight--;
    if (inFlight > 0) return;
    drained?.();
    options.activity?.settled();
  };
  const timeouts = { ...DEFAULT_SERVER_TIMEOUTS, ...options.timeouts };
  const server = createServer(
    // No Host is refused by the Host check below, in JSON, rather than by Node's bare 400.
    // Node stops applying headersTimeout and requestTimeout once a request has fully arrived,
    // so a long streamed answer is never cut by them. Node checks them on an interval (30 s by
    // default, which would double the header bound): a tenth of the header bound keeps the
    // overshoot small.
    {
      keepAliveTimeout: 65_000,
      headersTimeout: timeouts.headersMs,
      requestTimeout: requestTimeoutMs(timeouts),
      connectionsCheckingInterval: Math.max(10, Math.min(1000, timeouts.headersMs / 10)),
      requireHostHeader: false,
      IncomingMessage: requestsWithBodyTime(timeouts.bodyMs),
    },
    (req, res) => {
      inFlight++;
      options.activity?.started();
      // `on`, not `once` (a response closes once), and one listener for all: nothing made per request.
      res.on('close', responseClosed);
      try {
        const handled = handle(req, res);
        if (handled !== undefined) handled.catch((err: unknown) => failed(req, res, err));
      } catch (err) {
        failed(req, res, err);
      }
    },
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, message] = CLIENT_ERRORS[err.code ?? ''] ?? [
      '400 Bad Request',
      'The request is not valid HTTP/1.1.',
    ];
    const body = JSON.stringify({ error: { message, code: 'bad_http_request' } });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  for (const name of ['127.0.0.1', 'localhost', '[::1]'])
    origins.add(`http://${name}:${boundPort}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(host))
    origins.add(`http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`);

  const close = async (graceMs: number): Promise<void> => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    server.closeIdleConnections();
    if (inFlight > 0) {
      await Promise.race([
        new Promise<void>((r) => (drained = r)),
        new Promise<void>((r) => setTimeout(r, graceMs).unref()),
      ]);
    }
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return { server, port: boundPort, origins, close };
}
