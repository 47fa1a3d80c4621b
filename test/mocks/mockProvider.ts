import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicWire } from './anthropicWire.ts';
import { tooManyHeaders, rateLimitHeaders } from './dialects.ts';
import { findFault, isRefusal, pickFaults, type Refusal } from './faults.ts';
import { geminiWire } from './geminiWire.ts';
import { createLimiter, type LimitReason, type LimitSnapshot } from './limits.ts';
import { withResponses } from './responsesWire.ts';
import { openaiWire } from './openaiWire.ts';
import { buildAnswer, type Answer, type Turn } from './reply.ts';
import { styleFor, writeStyled } from './transport.ts';
import type {
  Fault,
  LoggedRequest,
  MockBehavior,
  MockDialect,
  MockFormat,
  MockProvider,
  MockProviderOptions,
  MockRequestInfo,
} from './types.ts';
import { estimateTokens, last4, readBody, seededRandom, sleep } from './util.ts';
import type { Endpoint, ErrorContext, ErrorReply, Wire } from './wire.ts';

const DEFAULT_DIALECT: Record<MockFormat, MockDialect> = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'none',
};

const AUTH_HEADERS = ['authorization', 'x-api-key', 'x-goog-api-key'];

const REFUSAL_KIND = {
  'rate-limit': 'rate-limit',
  'server-error': 'server-error',
  overloaded: 'overloaded',
  'insufficient-quota': 'insufficient-quota',
  'context-length': 'context-length',
  unauthorized: 'unauthorized',
} as const;

const SCOPE_REASON: Record<'minute' | 'day' | 'tokens', LimitReason> = {
  minute: 'rpm',
  day: 'rpd',
  tokens: 'tpm',
};

function wireFor(options: MockProviderOptions, dialect: MockDialect): Wire {
  switch (options.format) {
    case 'openai':
      return withResponses(
        openaiWire(options.basePath ?? '/v1', dialect),
        options.basePath ?? '/v1',
      );
    case 'anthropic':
      return anthropicWire();
    case 'gemini':
      return geminiWire();
  }
}

/**
 * Starts a provider that speaks one wire format with one dialect's headers and errors, on
 * 127.0.0.1 and an ephemeral port. See MockProvider.url for the base URL to configure.
 */
export async function startMockProvider(options: MockProviderOptions): Promise<MockProvider> {
  const { format } = options;
  const dialect = options.dialect ?? DEFAULT_DIALECT[format];
  const now = options.now ?? Date.now;
  const minuteMs = options.minuteMs ?? 60_000;
  const dayMs = options.dayMs ?? 86_400_000;
  const behavior: MockBehavior = { ...options };
  let limiter = createLimiter(behavior.limits ?? {}, { now, minuteMs, dayMs });
  const random = seededRandom(options.seed ?? 1);
  const wire = wireFor(options, dialect);
  const keys = options.keys
    ? new Map(
        options.keys.map((k, i) => (typeof k === 'string' ? [k, `key${i + 1}`] : [k.key, k.label])),
      )
    : undefined;
  const requests: LoggedRequest[] = [];
  const queue: Array<Fault | Fault[]> = [];
  const waiters = new Set<() => void>();
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  let ids = 0;
  const nextId = () =>
    `${format === 'anthropic' ? 'toolu_' : 'call_'}mock${String(++ids).padStart(4, '0')}`;

  function labelOf(key: string | undefined): string | undefined {
    if (key === undefined) return undefined;
    return keys ? (keys.get(key) ?? 'unknown') : 'any';
  }

  function redactHeaders(headers: IncomingHttpHeaders, label: string | undefined) {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined) continue;
      out[name] = AUTH_HEADERS.includes(name)
        ? `[key:${label ?? 'none'}]`
        : Array.isArray(value)
          ? value.join(', ')
          : value;
    }
    return out;
  }

  function send(
    res: ServerResponse,
    entry: LoggedRequest,
    reply: ErrorReply,
    headers: Record<string, string>,
  ) {
    if (res.headersSent || res.destroyed) return;
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    entry.status = reply.status;
    res.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'application/json',
      ...headers,
    });
    res.end(text);
  }

  /** A refusal's error reply and headers; rate limits get the dialect's 429 headers. */
  function refusal(
    fault: Refusal,
    ctx: ErrorContext,
    scope: string,
  ): { reply: ErrorReply; headers: Record<string, string> } {
    if (fault.kind !== 'rate-limit') {
      const status = fault.kind === 'server-error' ? (fault.status ?? 500) : undefined;
      return { reply: wire.error(REFUSAL_KIND[fault.kind], { ...ctx, status }), headers: {} };
    }
    const reason = SCOPE_REASON[fault.scope ?? 'minute'];
    const retryAfterMs =
      fault.retryAfterMs ?? (reason === 'rpd' ? dayMs : Math.min(minuteMs, 20_000));
    const snapshot: LimitSnapshot = { ...limiter.snapshot(scope) };
    const key = ({ rpm: 'requestsMinute', rpd: 'requestsDay', tpm: 'tokensMinute' } as const)[
      reason as 'rpm' | 'rpd' | 'tpm'
    ];
    const limits = behavior.limits ?? {};
    const limit = (reason === 'rpm' ? limits.rpm : reason === 'rpd' ? limits.rpd : limits.tpm) ?? 1;
    snapshot[key] = { limit, remaining: 0, resetMs: retryAfterMs };
    return rateLimited(ctx, snapshot, reason, retryAfterMs, limit, limit, 1);
  }

  function rateLimited(
    ctx: ErrorContext,
    snapshot: LimitSnapshot,
    reason: LimitReason,
    retryAfterMs: number,
    limit: number,
    used: number,
    requested: number,
  ) {
    const reply = wire.error('rate-limit', {
      ...ctx,
      reason,
      retryAfterMs,
      limit,
      used,
      requested,
    });
    const headers = tooManyHeaders(dialect, snapshot, ctx.now, retryAfterMs, reason);
    // Gemini says when to retry in the body (RetryInfo), not in a header.
    if (format === 'gemini') delete headers['retry-after'];
    return { reply, headers };
  }

  async function respond(
    res: ServerResponse,
    entry: LoggedRequest,
    endpoint: Endpoint,
    turn: Turn,
    answer: Answer,
    faults: Fault[],
    headers: Record<string, string>,
    ctx: ErrorContext,
    signal: AbortSignal,
  ) {
    const answerCtx = {
      id: `mock${entry.index}`,
      created: Math.floor(now() / 1000),
      dialect,
      chunks: behavior.chunks,
    };
    const stall = findFault(faults, 'stall-mid-stream');
    const reset = findFault(faults, 'reset-after-headers');
    const late = findFault(faults, 'error-after-200');
    const malformed = findFault(faults, 'malformed-sse');
    entry.status = 200;
    if (!turn.stream) {
      if (late) {
        send(res, entry, { status: 200, body: wire.errorBody(ctx) }, headers);
        return;
      }
      const body = JSON.stringify(wire.json(endpoint, answer, turn, answerCtx));
      // Faults of a non-streaming answer hit the body halfway: cut, stalled or truncated JSON.
      const half = Math.floor(body.length / 2);
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      if (reset) {
        res.write(body.slice(0, half));
        await resetSocket(res, signal);
      } else if (malformed) {
        res.end(body.slice(0, half));
      } else if (stall) {
        res.write(body.slice(0, half));
        await sleep(stall.ms ?? Infinity, signal);
        res.end(body.slice(half));
      } else {
        res.end(body);
      }
      return;
    }
    const jsonArray = endpoint.kind === 'chat' && endpoint.jsonArray === true;
    const style = jsonArray ? { crlf: false, comments: false } : styleFor(faults);
    res.writeHead(200, {
      'content-type': jsonArray ? 'application/json' : 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      ...headers,
    });
    res.flushHeaders();
    if (dialect === 'openrouter' && !jsonArray) {
      await writeStyled(res, ': OPENROUTER PROCESSING\n\n', style, signal);
    }
    const events = wire.events(endpoint, answer, turn, answerCtx);
    for (let i = 0; i <= events.length; i++) {
      if (signal.aborted) return;
      if (reset && i === Math.min(reset.afterEvents ?? 0, events.length))
        return resetSocket(res, signal);
      if (stall && i === Math.min(stall.afterEvents ?? 0, events.length))
        await sleep(stall.ms ?? Infinity, signal);
      if (late && i === Math.min(late.afterEvents ?? 0, events.length)) {
        await writeStyled(res, wire.streamError(ctx), style, signal);
        res.end();
        return;
      }
      if (malformed && i === Math.min(malformed.afterEvents ?? 0, events.length)) {
        await writeStyled(res, wire.malformed(), style, signal);
      }
      const event = events[i];
      if (!event) break;
      if (style.comments) await writeStyled(res, ': keep-alive\n\n', style, signal);
      if (behavior.tokensPerSecond && event.tokens > 0) {
        await sleep((event.tokens / behavior.tokensPerSecond) * 1000, signal);
      }
      await writeStyled(res, event.text, style, signal);
    }
    res.end();
  }

  async function resetSocket(res: ServerResponse, signal: AbortSignal) {
    // Give the bytes already written a moment to leave, then reset the connection.
    await sleep(10, signal);
    res.socket?.resetAndDestroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const rawKey = wire.keyFrom(req.headers, url);
    const label = labelOf(rawKey);
    const entry: LoggedRequest = {
      index: requests.length,
      method,
      path: (req.url ?? '/').replace(/([?&]key=)[^&]*/, `$1[key:${label ?? 'none'}]`),
      headers: redactHeaders(req.headers, label),
      body: undefined,
      at: now(),
      key:
        rawKey === undefined || label === undefined ? undefined : { label, last4: last4(rawKey) },
      stream: false,
      faults: [],
      aborted: false,
      finished: false,
    };
    requests.push(entry);
    for (const wake of waiters) wake();
    const gone = new AbortController();
    const signal = AbortSignal.any([gone.signal, closing.signal]);
    const slot: { release?: () => void } = {};
    res.on('error', () => {});
    res.on('finish', () => {
      entry.finished = true;
      entry.finishedAt = now();
    });
    res.on('close', () => {
      if (!res.writableFinished) {
        entry.aborted = true;
        entry.abortedAt = now();
      }
      gone.abort();
      slot.release?.();
    });

    const raw = await readBody(req);
    let body: unknown;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = raw.toString('utf8');
        badJson = true;
      }
    }
    entry.body = body;
    const endpoint = wire.route(method, url);
    const parsed =
      endpoint &&
      (endpoint.kind === 'chat' ||
        endpoint.kind === 'completion' ||
        endpoint.kind === 'count-tokens')
        ? wire.parseTurn(endpoint, body)
        : undefined;
    const turn = typeof parsed === 'object' ? parsed : undefined;
    const bodyModel =
      typeof (body as { model?: unknown } | undefined)?.model === 'string'
        ? (body as { model: string }).model
        : undefined;
    const model =
      turn?.model ||
      (endpoint && 'model' in endpoint ? endpoint.model : undefined) ||
      bodyModel ||
      '';
    entry.model = model || undefined;
    entry.stream = turn?.stream ?? false;
    const info: MockRequestInfo = {
      index: entry.index,
      method,
      path: entry.path,
      model: entry.model,
      stream: entry.stream,
      keyLabel: label,
      body,
    };
    const faults = pickFaults(queue, behavior, info, random);
    entry.faults = faults.map((f) => f.kind);
    const ctx: ErrorContext = {
      dialect,
      model,
      requestId: `mock${entry.index}`,
      now: now(),
      keyLast4: rawKey === undefined ? undefined : last4(rawKey),
      missingKey: rawKey === undefined,
    };
    const baseHeaders = {
      [wire.requestIdHeader]: `req_mock${entry.index}`,
      ...behavior.responseHeaders,
    };
    const fail = (reply: ErrorReply, extra: Record<string, string> = {}) =>
      send(res, entry, reply, { ...baseHeaders, ...extra });

    const latency = behavior.latencyMs;
    const delay =
      typeof latency === 'number'
        ? latency
        : latency
          ? latency[0] + random() * (latency[1] - latency[0])
          : 0;
    if (delay > 0) await sleep(delay, signal);

    if (findFault(faults, 'reset-before-headers')) {
      res.socket?.resetAndDestroy();
      return;
    }
    const stall = findFault(faults, 'stall-before-headers');
    if (stall) await sleep(stall.ms ?? Infinity, signal);

    if (keys && (rawKey === undefined || !keys.has(rawKey)))
      return fail(wire.error('unauthorized', ctx));
    if (!endpoint)
      return fail(
        wire.error('not-found', {
          ...ctx,
          message: `Unknown request URL: ${method} ${url.pathname}`,
        }),
      );
    const pre = wire.precheck(req.headers, body, endpoint, ctx);
    if (pre) return fail(pre);
    if (badJson)
      return fail(
        wire.error('bad-request', {
          ...ctx,
          message: 'We could not parse the JSON body of your request.',
        }),
      );
    if (typeof parsed === 'string')
      return fail(wire.error('bad-request', { ...ctx, message: parsed }));
    if (
      behavior.models &&
      model &&
      endpoint.kind !== 'models' &&
      !behavior.models.includes(model)
    ) {
      return fail(wire.error('not-found', ctx));
    }

    const scope = options.limitScope === 'global' ? 'global' : (label ?? 'anonymous');
    const refused = faults.find(isRefusal);
    if (refused) {
      const { reply, headers } = refusal(refused, ctx, scope);
      return fail(reply, headers);
    }
    if (endpoint.kind === 'models') {
      return send(
        res,
        entry,
        { status: 200, body: wire.models(behavior.models ?? ['mock-model']) },
        baseHeaders,
      );
    }
    if (endpoint.kind === 'count-tokens') {
      return send(
        res,
        entry,
        { status: 200, body: wire.countTokens(estimateTokens(turn?.promptText ?? '')) },
        baseHeaders,
      );
    }

    let tokens: number;
    let answer: Answer | undefined;
    let inputs: string[] = [];
    if (endpoint.kind === 'embeddings') {
      const got = wire.embeddingInputs(endpoint, body);
      if (typeof got === 'string') return fail(wire.error('bad-request', { ...ctx, message: got }));
      inputs = got;
      tokens = inputs.reduce((n, s) => n + estimateTokens(s), 0);
    } else {
      if (!turn) return fail(wire.error('bad-request', ctx));
      answer = buildAnswer(turn, behavior, info, nextId);
      if (behavior.contextWindow !== undefined && answer.inputTokens > behavior.contextWindow) {
        return fail(
          wire.error('context-length', {
            ...ctx,
            inputTokens: answer.inputTokens,
            contextWindow: behavior.contextWindow,
          }),
        );
      }
      tokens = answer.inputTokens + answer.outputTokens;
    }

    const admission = limiter.admit(scope, tokens);
    if (!admission.ok) {
      const { reply, headers } = rateLimited(
        ctx,
        admission.snapshot,
        admission.reason,
        admission.retryAfterMs,
        admission.limit,
        admission.used,
        admission.requested,
      );
      return fail(reply, headers);
    }
    slot.release = admission.release;
    if (res.destroyed) admission.release();
    const headers = { ...baseHeaders, ...rateLimitHeaders(dialect, admission.snapshot, now()) };
    if (endpoint.kind === 'embeddings') {
      return send(res, entry, { status: 200, body: wire.embeddings(inputs, model, body) }, headers);
    }
    if (!answer || !turn) return;
    await respond(res, entry, endpoint, turn, answer, faults, headers, ctx, signal);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Aborted sleeps and writes to closed sockets end here; the log already says why.
      if (!res.headersSent && !res.destroyed) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const url =
    format === 'openai' ? `${origin}${(options.basePath ?? '/v1').replace(/\/$/, '')}` : origin;

  return {
    url,
    origin,
    format,
    dialect,
    requests,
    setBehavior(patch) {
      Object.assign(behavior, patch);
      if (patch.limits !== undefined)
        limiter = createLimiter(patch.limits, { now, minuteMs, dayMs });
    },
    queueFaults(...faults) {
      queue.push(...faults);
    },
    resetLimits() {
      limiter.reset();
    },
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (requests.length < count) return;
          cleanup();
          resolve(requests.slice());
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `mock provider saw ${requests.length} of ${count} requests after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      closing.abort();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
