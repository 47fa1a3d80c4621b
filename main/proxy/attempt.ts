import { KeyStoreError } from '../keys/keyStore.ts';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { StreamError } from '../../app/formats/common.ts';
import {
  cancelledByClient,
  classifyFailure,
  type FailureDecision,
} from '../../app/ratelimit/classify.ts';
import {
  authHeaders,
  headerLookup,
  readBodyText,
  transportFailureOf,
  type UpstreamClient,
} from '../upstream/client.ts';
import type { Codec, EncodedRequest, RelayStep, UsageCounts } from './codec.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { Candidate } from '../engine/targets.ts';

/** What one attempt came to; the request log keeps one of these per attempt. */
export type AttemptInfo = {
  provider: string;
  model: string;
  keyId: string | undefined;
  startedAt: number;
  /** HTTP status from the provider, or 0 when none arrived. */
  status: number;
  outcome: 'ok' | 'failed' | 'failed-mid-stream' | 'aborted' | 'lost-race' | 'skipped';
  failure?: FailureDecision;
  headersMs?: number;
  firstTokenMs?: number;
  totalMs?: number;
  usage?: UsageCounts;
  hedged: boolean;
  /** What the client was sent, when the user opted into logging bodies (capped). */
  responseText?: string;
  /** The provider's response headers, for the limiter (never logged). */
  upstreamHeaders?: IncomingHttpHeaders;
};

/** An attempt that reached its first meaningful byte: it can be committed to the client. */
export type ReadyAttempt = {
  kind: 'ready';
  info: AttemptInfo;
  /** Sends the answer (headers, buffered start, the rest of the stream) to the client. */
  commit: (res: ServerResponse, headers: Record<string, string>) => Promise<void>;
  /** Drops this attempt (another won the race); aborts its upstream request. */
  abandon: () => void;
};

export type FailedAttempt = {
  kind: 'failed';
  info: AttemptInfo;
  failure: FailureDecision;
  /** For the caller's own mistakes: the upstream's message, passed back in the caller's format. */
  upstreamMessage?: string;
  /** For `our-bug`: what our own code threw, for the engine log. */
  bug?: unknown;
};

export type AttemptDeps = {
  upstream: UpstreamClient;
  secret: (keyId: string) => Promise<string>;
  clock: () => number;
  /** settings.logBodies: keep what the client was sent, for the request log. */
  captureBodies: () => boolean;
  /** Our own code threw while serving a request: the engine log gets the stack and the request id. */
  reportBug: (requestId: string, error: unknown) => void;
  /** Hides every secret the engine holds, however escaped, in text bound for the client. */
  mask: (text: string) => string;
};

/** An exception in our own code (a codec, a relay): never the provider's fault. */
export function ourBug(providerName: string): FailureDecision {
  return {
    class: 'our-bug',
    reason: `Switchyard failed translating ${providerName}'s answer (an internal error; ${providerName} is not at fault).`,
    retryElsewhere: false,
  };
}

/** What the caller's stream ends with when our own code failed after its first byte. */
function internalStreamError(requestId: string): StreamError {
  return {
    kind: 'error',
    status: 500,
    type: 'server_error',
    message: `Switchyard hit an internal error translating this answer (request id ${requestId}); the answer is incomplete. The engine log has the details.`,
    code: 'internal_error',
  };
}

/** How much of an answer the request log keeps when bodies are logged. */
export const CAPTURE_LIMIT_CHARS = 64 * 1024;

/** The upstream's own error text, for a 4xx that is the caller's fault. Never includes headers. */
function upstreamErrorMessage(body: unknown, fallback: string): string {
  if (body !== null && typeof body === 'object') {
    const error = (body as { error?: unknown }).error;
    if (typeof error === 'string') return error;
    if (error !== null && typeof error === 'object') {
      const message = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return typeof body === 'string' && body.length > 0 ? body.slice(0, 500) : fallback;
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A fresh record for an attempt about to start; the attempt fills it in as it goes. */
export function newAttemptInfo(
  candidate: Candidate,
  startedAt: number,
  hedged: boolean,
): AttemptInfo {
  return {
    provider: candidate.provider.id,
    model: candidate.model,
    keyId: candidate.keyId,
    startedAt,
    status: 0,
    outcome: 'failed',
    hedged,
  };
}

/**
 * Runs one attempt up to the moment it can be committed: its first meaningful streamed data, or
 * its whole non-streamed answer. Anything that fails before then is classified, so the
 * dispatcher can move on without the client ever seeing it.
 */
export async function startAttempt(
  deps: AttemptDeps,
  req: ProxyRequest,
  candidate: Candidate,
  codec: Codec,
  encoded: EncodedRequest,
  clientSignal: AbortSignal,
  info: AttemptInfo,
): Promise<ReadyAttempt | FailedAttempt> {
  const { provider, model } = candidate;
  const startedAt = info.startedAt;
  // The attempt's own controller, aborted when the client hangs up or the attempt is dropped.
  // (AbortSignal.any would do, but it is slow and keeps every linked signal alive.)
  const own = new AbortController();
  const signal = own.signal;
  const onClientAbort = () => own.abort();
  clientSignal.addEventListener('abort', onClientAbort, { once: true });
  const unlink = () => clientSignal.removeEventListener('abort', onClientAbort);
  if (clientSignal.aborted) own.abort();
  const fail = (decided: FailureDecision, upstreamMessage?: string): FailedAttempt => {
    // Whatever the abort broke on its way (the socket, the body), a client that hung up is the
    // cause: not the provider's failure.
    const failure =
      clientSignal.aborted && decided.class !== 'our-bug'
        ? cancelledByClient(provider.name)
        : decided;
    info.outcome = clientSignal.aborted ? 'aborted' : 'failed';
    info.failure = failure;
    info.totalMs = deps.clock() - startedAt;
    unlink();
    own.abort();
    return upstreamMessage === undefined
      ? { kind: 'failed', info, failure }
      : { kind: 'failed', info, failure, upstreamMessage };
  };
  const bug = (error: unknown): FailedAttempt => ({ ...fail(ourBug(provider.name)), bug: error });
  const transportFailure = (err: unknown): FailedAttempt => {
    const failure = transportFailureOf(err, signal);
    const status = failure.kind === 'aborted' ? 'reset' : failure.kind;
    return fail({
      ...classifyFailure({
        status,
        dialect: provider.headerDialect,
        providerId: provider.id,
        now: deps.clock(),
      }),
      reason: `${provider.name}: ${failure.message}`,
    });
  };

  let secret: string | undefined;
  try {
    secret = candidate.keyId === undefined ? undefined : await deps.secret(candidate.keyId);
  } catch (err) {
    // A key held back from an address nobody confirmed is a config matter, not a bad key: it
    // must not be set aside as invalid, or confirming the address would not bring it back.
    if (err instanceof KeyStoreError && err.code === 'base_url_unconfirmed')
      return fail({ class: 'caller', reason: err.message, retryElsewhere: true });
    return fail({
      class: 'key-invalid',
      reason: `key "${candidate.keyId}" is unavailable: ${(err as Error).message}`,
      retryElsewhere: true,
    });
  }

  let response;
  try {
    response = await deps.upstream.send({
      url: codec.url(provider, model, req.stream),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: req.stream ? 'text/event-stream' : 'application/json',
        ...provider.quirks.extraHeaders,
        ...encoded.headers,
        ...authHeaders(provider, secret),
      },
      body: encoded.body,
      signal,
    });
  } catch (err) {
    return transportFailure(err);
  }
  info.status = response.status;
  info.headersMs = deps.clock() - startedAt;
  info.upstreamHeaders = response.headers;

  if (response.status < 200 || response.status >= 300) {
    let text = '';
    try {
      // Masked before parsing: the provider may have echoed the key with JSON escapes.
      text = deps.mask(await readBodyText(response.body, 1024 * 1024));
    } catch {
      // The status already says it failed; a body cut short only loses detail.
    }
    const body = parseMaybeJson(text);
    const failure = classifyFailure({
      status: response.status,
      body,
      headers: headerLookup(response.headers),
      dialect: provider.headerDialect,
      providerId: provider.id,
      now: deps.clock(),
      ...(provider.freeTier?.reset.time && provider.freeTier.reset.timeZone
        ? {
            resetZone: {
              time: provider.freeTier.reset.time,
              timeZone: provider.freeTier.reset.timeZone,
            },
          }
        : {}),
    });
    return fail(failure, upstreamErrorMessage(body, `HTTP ${response.status}`));
  }

  if (!req.stream) {
    let text: string;
    try {
      text = await readBodyText(response.body, 64 * 1024 * 1024);
    } catch (err) {
      return transportFailure(err);
    }
    let decoded;
    try {
      decoded = codec.decode(text, model);
    } catch (err) {
      return bug(err);
    }
    if (!decoded.ok)
      return fail(
        streamFailure(
          decoded.error,
          provider.name,
          provider.headerDialect,
          provider.id,
          deps.clock(),
        ),
      );
    info.usage = decoded.usage;
    info.firstTokenMs = deps.clock() - startedAt;
    return {
      kind: 'ready',
      info,
      abandon: () => {
        unlink();
        own.abort();
      },
      commit: async (res, headers) => {
        const body = deps.mask(decoded.body);
        res.writeHead(200, {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        });
        res.end(body);
        if (deps.captureBodies()) info.responseText = body.slice(0, CAPTURE_LIMIT_CHARS);
        unlink();
        info.outcome = 'ok';
        info.totalMs = deps.clock() - startedAt;
      },
    };
  }

  return awaitFirstData(
    deps,
    req.id,
    response.body,
    codec,
    info,
    own,
    unlink,
    clientSignal,
    { fail, bug, transportFailure },
    candidate,
  );
}

function streamFailure(
  error: StreamError,
  name: string,
  dialect: Candidate['provider']['headerDialect'],
  providerId: string,
  now: number,
): FailureDecision {
  const decision = classifyFailure({
    status: error.status,
    body: { error: { message: error.message, type: error.type, code: error.code } },
    dialect,
    providerId,
    now,
  });
  // Messages this engine wrote already name the provider; the provider's own do not.
  return {
    ...decision,
    reason: error.message.startsWith(name) ? error.message : `${name}: ${error.message}`,
  };
}

/** How an attempt ends before its first byte: classified, our own bug, or a broken transport. */
type Failing = {
  fail: (failure: FailureDecision) => FailedAttempt;
  bug: (error: unknown) => FailedAttempt;
  transportFailure: (err: unknown) => FailedAttempt;
};

async function awaitFirstData(
  deps: AttemptDeps,
  requestId: string,
  body: Readable,
  codec: Codec,
  info: AttemptInfo,
  own: AbortController,
  unlink: () => void,
  clientSignal: AbortSignal,
  failing: Failing,
  candidate: Candidate,
): Promise<ReadyAttempt | FailedAttempt> {
  const { fail, bug, transportFailure } = failing;
  const { provider } = candidate;
  let relay;
  try {
    relay = codec.relay(info.model);
  } catch (err) {
    body.destroy();
    return bug(err);
  }
  const decoder = new TextDecoder();
  const iterator = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let pending = '';
  let usage: UsageCounts | undefined;
  const absorb = (step: RelayStep) => {
    pending += step.out;
    if (step.usage) usage = step.usage;
  };

  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (err) {
      return transportFailure(err);
    }
    let step: RelayStep;
    try {
      step = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
    } catch (err) {
      body.destroy();
      return bug(err);
    }
    absorb(step);
    if (step.bug !== undefined) {
      body.destroy();
      return bug(step.bug);
    }
    if (step.error)
      return fail(
        streamFailure(step.error, provider.name, provider.headerDialect, provider.id, deps.clock()),
      );
    if (step.started) break;
    if (next.done)
      return fail(
        streamFailure(
          {
            kind: 'error',
            status: 502,
            type: 'server_error',
            message: `${provider.name} closed the stream without sending anything`,
            code: 'empty_stream',
          },
          provider.name,
          provider.headerDialect,
          provider.id,
          deps.clock(),
        ),
      );
  }
  info.firstTokenMs = deps.clock() - info.startedAt;

  return {
    kind: 'ready',
    info,
    abandon: () => {
      unlink();
      own.abort();
      body.destroy();
    },
    commit: async (res, headers) => {
      res.writeHead(200, {
        ...headers,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
      });
      const capture = deps.captureBodies();
      let captured = '';
      // Relays hand over whole events, so a key echoed inside one is masked whole.
      const write = async (raw: string) => {
        if (raw === '' || res.destroyed) return;
        const text = deps.mask(raw);
        if (capture && captured.length < CAPTURE_LIMIT_CHARS)
          captured += text.slice(0, CAPTURE_LIMIT_CHARS - captured.length);
        if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      };
      await write(pending);
      pending = '';
      let failedMidStream: StreamError | undefined;
      let thrown: { error: unknown } | undefined;
      for (;;) {
        if (clientSignal.aborted) break;
        let next: IteratorResult<Buffer>;
        try {
          next = await iterator.next();
        } catch (err) {
          if (clientSignal.aborted) break;
          const failure = transportFailureOf(err, clientSignal);
          failedMidStream = {
            kind: 'error',
            status: 502,
            type: 'server_error',
            message: `${provider.name}: ${failure.message}; the answer is incomplete. Retry the request.`,
            code: 'upstream_failed_mid_stream',
          };
          break;
        }
        let step: RelayStep;
        try {
          step = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
        } catch (error) {
          thrown = { error };
          failedMidStream = internalStreamError(requestId);
          break;
        }
        if (step.usage) usage = step.usage;
        await write(step.out);
        if (step.bug !== undefined) {
          thrown = { error: step.bug };
          failedMidStream = internalStreamError(requestId);
          break;
        }
        if (step.error) {
          failedMidStream = step.error;
          break;
        }
        if (next.done) break;
      }
      if (failedMidStream) {
        await write(relay.errorText(failedMidStream));
        if (thrown !== undefined) deps.reportBug(requestId, thrown.error);
        info.failure =
          thrown !== undefined
            ? ourBug(provider.name)
            : streamFailure(
                failedMidStream,
                provider.name,
                provider.headerDialect,
                provider.id,
                deps.clock(),
              );
        own.abort();
        body.destroy();
      }
      unlink();
      if (capture) info.responseText = captured;
      info.outcome = clientSignal.aborted
        ? 'aborted'
        : failedMidStream
          ? 'failed-mid-stream'
          : 'ok';
      if (usage) info.usage = usage;
      info.totalMs = deps.clock() - info.startedAt;
      if (!res.destroyed) res.end();
    },
  };
}
