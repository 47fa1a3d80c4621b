import type { ServerResponse } from 'node:http';
import { anthropicErrorType } from '../../app/formats/anthropic.ts';

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

/** Which error envelope a path's callers understand. */
export type ErrorDialect = 'openai' | 'anthropic' | 'admin';

export function errorDialectFor(pathname: string): ErrorDialect {
  if (pathname === '/v1/messages' || pathname.startsWith('/v1/messages/')) return 'anthropic';
  if (pathname.startsWith('/admin')) return 'admin';
  return 'openai';
}

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * An error in the caller's own format, so its SDK raises a typed error with our message:
 * OpenAI's `{error:{message,type,param,code}}`, Anthropic's `{type:'error',error:{type,message}}`.
 */
export function errorBody(
  dialect: ErrorDialect,
  status: number,
  message: string,
  code?: string,
): unknown {
  if (dialect === 'anthropic') {
    return { type: 'error', error: { type: anthropicErrorType(status), message } };
  }
  if (dialect === 'admin') return { error: { message, code: code ?? `http_${status}` } };
  return {
    error: {
      message,
      type: OPENAI_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: null,
      code: code ?? null,
    },
  };
}

export function sendError(
  res: ServerResponse,
  dialect: ErrorDialect,
  status: number,
  message: string,
  code?: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, errorBody(dialect, status, message, code), headers);
}
