import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { Agent, undiciErrors } from './undiciParts.ts';
import type { Provider } from '../../app/catalog/schema.ts';
import type { HeaderLookup } from '../../app/ratelimit/headers.ts';
import { abortEmitter, type HookedAbortController } from './hookedAbort.ts';
import { WholeAnswer, type WholeResponse } from './wholeAnswer.ts';

export type { WholeResponse };

export type UpstreamTimeouts = {
  /** TCP + TLS connect. */
  connectMs: number;
  /** From request sent to response headers (a stalled provider before its first byte). */
  headersMs: number;
  /** Longest silence between two body chunks (a stream stalled mid-way). */
  idleMs: number;
};

export const DEFAULT_TIMEOUTS: UpstreamTimeouts = {
  connectMs: 10_000,
  headersMs: 120_000,
  idleMs: 120_000,
};

export type UpstreamRequest = {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** The signal's controller, when it is one with a hook: the request hears the abort through it. */
  controller?: HookedAbortController;
  timeouts?: Partial<UpstreamTimeouts>;
};

/** A request whose answer is read whole: cancelled through its controller's hook (hookedAbort.ts). */
export type WholeRequest = Omit<UpstreamRequest, 'signal'> & { controller: HookedAbortController };

export type UpstreamResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  body: Readable;
};

/** Why an upstream call produced no HTTP response at all. */
export type TransportFailure = 'timeout' | 'reset' | 'connect' | 'aborted';

export class UpstreamTransportError extends Error {
  readonly kind: TransportFailure;
  constructor(kind: TransportFailure, message: string) {
    super(message);
    this.name = 'UpstreamTransportError';
    this.kind = kind;
  }
}

/** Maps undici's and the OS's errors onto the few kinds the dispatcher acts on. */
export function transportFailureOf(err: unknown, signal?: AbortSignal): UpstreamTransportError {
  if (err instanceof UpstreamTransportError) return err;
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  if (signal?.aborted || e.name === 'AbortError' || e instanceof undiciErrors.RequestAbortedError) {
    return new UpstreamTransportError('aborted', 'the request was cancelled');
  }
  if (e instanceof undiciErrors.HeadersTimeoutError) {
    return new UpstreamTransportError('timeout', 'the provider sent no response headers in time');
  }
  if (e instanceof undiciErrors.BodyTimeoutError) {
    return new UpstreamTransportError('timeout', 'the provider stalled mid-response');
  }
  if (e instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamTransportError('connect', 'connecting to the provider timed out');
  }
  const code = e.code ?? e.cause?.code;
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH'
  ) {
    return new UpstreamTransportError('connect', `could not connect to the provider (${code})`);
  }
  return new UpstreamTransportError(
    'reset',
    `the connection to the provider failed (${code ?? e.message})`,
  );
}

/** An upstream URL as undici's dispatcher takes it. */
type Destination = { origin: string; path: string };

/** The most distinct URLs remembered; they repeat per provider, model and stream flag. */
const MAX_DESTINATIONS = 1000;

/**
 * One client for every provider: undici keeps a keep-alive pool per origin, so a chain of
 * requests to the same provider reuses warm connections.
 */
export class UpstreamClient {
  readonly #agent: Agent;
  readonly #timeouts: UpstreamTimeouts;
  /** URLs parsed once each, as undici's `request(url)` would parse them on every call. */
  readonly #destinations = new Map<string, Destination>();

  constructor(timeouts: Partial<UpstreamTimeouts> = {}) {
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
    this.#agent = new Agent({
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      connections: 128,
      pipelining: 1,
      connect: { timeout: this.#timeouts.connectMs },
    });
  }

  /** Sends a request; resolves at response headers, rejects with UpstreamTransportError. */
  async send(req: UpstreamRequest): Promise<UpstreamResponse> {
    const { controller } = req;
    try {
      const res = await this.#agent.request({
        ...this.#options(req),
        signal:
          controller === undefined || controller.signal.aborted
            ? req.signal
            : abortEmitter(controller),
      });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    } catch (err) {
      throw transportFailureOf(err, req.signal);
    }
  }

  /**
   * Sends a request whose answer is read whole (not streamed): resolves at its headers, with its
   * body's text to come, gathered without a body stream; `limitFor` bounds the body by its status.
   * Rejects with UpstreamTransportError, as `send` does.
   */
  sendWhole(req: WholeRequest, limitFor: (status: number) => number): Promise<WholeResponse> {
    // Not an async function: its frame and its await, per request, only to map a failure (which
    // the handler does as it rejects).
    const { signal } = req.controller;
    try {
      const answer = new WholeAnswer(req.controller, limitFor, answerTooLarge, transportFailureOf);
      this.#agent.dispatch(this.#options(req), answer);
      return answer.head;
    } catch (err) {
      return Promise.reject(transportFailureOf(err, signal));
    }
  }

  /** What undici is given for a request, whichever way its answer is read. */
  #options(req: Omit<UpstreamRequest, 'signal'>): Dispatcher.DispatchOptions {
    const timeouts =
      req.timeouts === undefined ? this.#timeouts : { ...this.#timeouts, ...req.timeouts };
    const { origin, path } = this.#destination(req.url);
    return {
      origin,
      path,
      method: req.method,
      headers: req.headers,
      body: req.body,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.idleMs,
    };
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  #destination(url: string): Destination {
    const known = this.#destinations.get(url);
    if (known !== undefined) return known;
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new undiciErrors.InvalidArgumentError(
        'Invalid URL protocol: the URL must start with `http:` or `https:`.',
      );
    const destination = { origin: parsed.origin, path: parsed.pathname + parsed.search };
    if (this.#destinations.size >= MAX_DESTINATIONS) this.#destinations.clear();
    this.#destinations.set(url, destination);
    return destination;
  }
}

/**
 * Reads a whole (small) upstream body as text, bounded so a runaway error page cannot exhaust
 * memory. Chunks are taken as they come ('data', not an async iterator: this runs once per
 * answer) and a body of one chunk is decoded without a copy. Its end is watched with three
 * listeners, not `finished` (a dozen closures and a nextTick per answer), with the same
 * outcomes: an error rejects with what broke, a close before the end as a premature close.
 */
export function readBodyText(body: Readable, limit = 4 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    if (body.errored) return reject(body.errored);
    if (body.destroyed) return reject(prematureClose());
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.off('data', onData);
        body.destroy();
        reject(answerTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    body.on('data', onData);
    body.once('end', () => {
      ended = true;
      resolve(
        chunks.length === 1
          ? (chunks[0] as Buffer).toString('utf8')
          : Buffer.concat(chunks, size).toString('utf8'),
      );
    });
    body.once('error', reject);
    body.once('close', () => {
      if (!ended) reject(body.errored ?? prematureClose());
    });
  });
}

/** An answer longer than its reader's bound. */
function answerTooLarge(limit: number): UpstreamTransportError {
  return new UpstreamTransportError('reset', `the provider's answer exceeded ${limit} bytes`);
}

/** A body closed before its end, worded as `finished` words it. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** Reads response headers by lower-case name, the way the rate-limit parsers ask for them. */
export function headerLookup(headers: IncomingHttpHeaders): HeaderLookup {
  return (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
}

/** How a key travels to a provider, as its catalog entry says; nothing for keyless servers. */
export function authHeaders(
  provider: Provider,
  secret: string | undefined,
): Record<string, string> {
  if (secret === undefined) return {};
  switch (provider.auth) {
    case 'bearer':
      return { authorization: `Bearer ${secret}` };
    case 'x-api-key':
      return { 'x-api-key': secret };
    case 'x-goog-api-key':
      return { 'x-goog-api-key': secret };
    case 'none':
      return provider.quirks.keyOptional ? { authorization: `Bearer ${secret}` } : {};
  }
}
