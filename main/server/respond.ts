import type { ServerResponse } from 'node:http';

/** Security headers every answer carries: no sniffing, no framing, no referrer leaks. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  /** Hides secrets in the serialised text (the engine's SecretMask). */
  mask: (text: string) => string = (text) => text,
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = mask(JSON.stringify(body));
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** How an error is written for one kind of caller: its status, message and machine code. */
export type ErrorEnvelope = (status: number, message: string, code?: string) => unknown;

/** The admin API's (and the dashboard's) own envelope. */
export const adminErrorBody: ErrorEnvelope = (status, message, code) => ({
  error: { message, code: code ?? `http_${status}` },
});

/**
 * Which envelope an error is written in: the admin API's, or a proxy caller's (the proxy's
 * adapters own those; the server is handed them and never imports the proxy).
 */
export type ErrorDialect = 'admin' | ErrorEnvelope;

export function sendError(
  res: ServerResponse,
  dialect: ErrorDialect,
  status: number,
  message: string,
  code?: string,
  headers: Record<string, string> = {},
): void {
  const envelope = dialect === 'admin' ? adminErrorBody : dialect;
  sendJson(res, status, envelope(status, message, code), headers);
}
