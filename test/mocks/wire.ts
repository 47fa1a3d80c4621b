import type { IncomingHttpHeaders } from 'node:http';
import type { LimitReason } from './limits.ts';
import type { Answer, Turn } from './reply.ts';
import type { MockDialect } from './types.ts';

/** What a request asked for, from its method and path. */
export type Endpoint =
  | { kind: 'chat'; model?: string; stream?: boolean; jsonArray?: boolean; responses?: boolean }
  | { kind: 'completion' }
  | { kind: 'embeddings'; model?: string; single?: boolean }
  | { kind: 'models' }
  | { kind: 'count-tokens'; model?: string };

export type ErrorKind =
  | 'unauthorized'
  | 'rate-limit'
  | 'server-error'
  | 'overloaded'
  | 'insufficient-quota'
  | 'context-length'
  | 'not-found'
  | 'bad-request';

export interface ErrorContext {
  dialect: MockDialect;
  model: string;
  requestId: string;
  now: number;
  missingKey?: boolean;
  keyLast4?: string;
  reason?: LimitReason;
  limit?: number;
  used?: number;
  requested?: number;
  retryAfterMs?: number;
  inputTokens?: number;
  contextWindow?: number;
  status?: number;
  message?: string;
}

export interface ErrorReply {
  status: number;
  /** JSON, or a string sent as is (e.g. a gateway's HTML page). */
  body: unknown;
  contentType?: string;
}

/** One SSE event (or, for Gemini without alt=sse, one piece of a JSON array) as sent. */
export interface WireEvent {
  text: string;
  /** Tokens of generated content in it, for pacing. */
  tokens: number;
}

export interface AnswerContext {
  id: string;
  created: number;
  dialect: MockDialect;
  chunks?: number;
}

export interface Wire {
  route(method: string, url: URL): Endpoint | undefined;
  /** The request as a Turn, or the message of a 400 in the provider's words. */
  parseTurn(endpoint: Endpoint, body: unknown): Turn | string;
  embeddingInputs(endpoint: Endpoint, body: unknown): string[] | string;
  keyFrom(headers: IncomingHttpHeaders, url: URL): string | undefined;
  /** A request the real provider refuses before anything else (missing headers, fields). */
  precheck(
    headers: IncomingHttpHeaders,
    body: unknown,
    endpoint: Endpoint,
    ctx: ErrorContext,
  ): ErrorReply | undefined;
  json(endpoint: Endpoint, answer: Answer, turn: Turn, ctx: AnswerContext): unknown;
  events(endpoint: Endpoint, answer: Answer, turn: Turn, ctx: AnswerContext): WireEvent[];
  embeddings(inputs: string[], model: string, body: unknown): unknown;
  models(ids: readonly string[]): unknown;
  countTokens(tokens: number): unknown;
  error(kind: ErrorKind, ctx: ErrorContext): ErrorReply;
  /** An error after HTTP 200, as the provider writes it into a stream. */
  streamError(ctx: ErrorContext): string;
  /** The same, for a non-streaming answer: HTTP 200 with an error body. */
  errorBody(ctx: ErrorContext): unknown;
  /** A broken event: truncated JSON behind a well-formed prefix. */
  malformed(): string;
  requestIdHeader: string;
}

/** What a CDN answers for a 502: HTML, whatever the API's format. */
export const BAD_GATEWAY: ErrorReply = {
  status: 502,
  contentType: 'text/html',
  body:
    '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
    '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n',
};

export function sseData(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

export function sseEvent(name: string, payload: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export function bearer(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
  return match?.[1];
}
