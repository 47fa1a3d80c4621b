/**
 * One attempt: one upstream call, up to the moment it can be committed to the client (its whole
 * answer, or a stream's first meaningful data: streamCommit.ts). It owns one AbortController,
 * aborted from outside when the client hangs up or the dispatcher drops it, and by itself when
 * it fails. It never changes a record it has handed out: every step makes a new `AttemptInfo`.
 */
import type { ServerResponse } from 'node:http';
import type { RelayedRequest } from '../../app/formats/proxyRequest.ts';
import {
  cancelledByClient,
  classifyFailure,
  type FailureDecision,
} from '../../app/ratelimit/classify.ts';
import type { Candidate } from '../engine/targets.ts';
import { KeyStoreError } from '../keys/keyErrors.ts';
import {
  authHeaders,
  headerLookup,
  readBodyText,
  transportFailureOf,
  type UpstreamClient,
  type UpstreamRequest,
  type UpstreamResponse,
  type WholeRequest,
  type WholeResponse,
} from '../upstream/client.ts';
import type { HookedAbortController } from '../upstream/hookedAbort.ts';
import { ourBug, parseMaybeJson, streamFailure, upstreamErrorMessage } from './attemptFailure.ts';
import type { AttemptInfo } from '../engine/capacityGate.ts';
import type { Codec, EncodedRequest } from './codec.ts';
import { awaitFirstData } from './streamCommit.ts';

// The dispatcher and the request recorder read the record from here.
export type { AttemptInfo };

/** An attempt that reached its first meaningful byte: it can be committed to the client. */
export type ReadyAttempt = {
  kind: 'ready';
  info: AttemptInfo;
  /** Sends the answer (headers, buffered start, the rest of the stream); resolves to the final record. */
  commit: (res: ServerResponse, headers: Record<string, string>) => Promise<AttemptInfo>;
  /** Drops this attempt (another won the race); aborts its upstream request. */
  abandon: () => void;
};

export type FailedAttempt = Readonly<{
  kind: 'failed';
  info: AttemptInfo;
  failure: FailureDecision;
  /** For the caller's own mistakes: the upstream's message, passed back in the caller's format. */
  upstreamMessage?: string;
  /** For `our-bug`: what our own code threw, for the engine log. */
  bug?: unknown;
}>;

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

/** How much of an error answer is read (its message and retry hints are near the start). */
const ERROR_BODY_LIMIT_BYTES = 1024 * 1024;
/** The largest whole (non-streamed) answer read. */
const ANSWER_LIMIT_BYTES = 64 * 1024 * 1024;

/** How far a whole answer is read: an error page less far than an answer. */
const bodyLimit = (status: number): number =>
  status >= 200 && status < 300 ? ANSWER_LIMIT_BYTES : ERROR_BODY_LIMIT_BYTES;

/** How much of an answer the request log keeps when bodies are logged. */
export const CAPTURE_LIMIT_CHARS = 64 * 1024;

/**
 * A fresh record for an attempt about to start, every field an attempt's later records set
 * already in it (undefined until then): each step's `{ ...info, … }` is then a copy of one shape,
 * its fields inside the object. Added by the spreads instead, each record's fields went to a
 * separate store, some 400 bytes a record, three or four records an attempt, most of them alive
 * while the provider answers.
 */
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
    failure: undefined,
    headersMs: undefined,
    firstTokenMs: undefined,
    totalMs: undefined,
    usage: undefined,
    hedged,
    responseText: undefined,
    upstreamHeaders: undefined,
  };
}

/** Everything one attempt needs. */
export type AttemptRun = {
  deps: AttemptDeps;
  req: RelayedRequest;
  candidate: Candidate;
  codec: Codec;
  encoded: EncodedRequest;
  /** The attempt's one controller: aborted from outside when the client leaves or it is dropped. */
  controller: HookedAbortController;
  info: AttemptInfo;
};

/** How an attempt ends before its first byte: classified, our own bug, or a broken transport. */
export type Failing = {
  fail: (failure: FailureDecision, upstreamMessage?: string) => FailedAttempt;
  bug: (error: unknown) => FailedAttempt;
  transportFailure: (err: unknown) => FailedAttempt;
};

/** The ways an attempt fails, each closing its controller, for a record as it stands then. */
function failing(run: AttemptRun, current: () => AttemptInfo): Failing {
  const { deps, candidate, controller } = run;
  const { provider } = candidate;
  const fail = (decided: FailureDecision, upstreamMessage?: string): FailedAttempt => {
    // Aborted before it failed on its own: the client hung up (or the attempt was dropped), and
    // whatever the abort broke on its way (the socket, the body) is not the provider's failure.
    const cancelled = controller.signal.aborted;
    const failure =
      cancelled && decided.class !== 'our-bug' ? cancelledByClient(provider.name) : decided;
    const info: AttemptInfo = {
      ...current(),
      outcome: cancelled ? 'aborted' : 'failed',
      failure,
      totalMs: deps.clock() - run.info.startedAt,
    };
    controller.abort();
    return upstreamMessage === undefined
      ? { kind: 'failed', info, failure }
      : { kind: 'failed', info, failure, upstreamMessage };
  };
  return {
    fail,
    bug: (error) => ({ ...fail(ourBug(provider.name)), bug: error }),
    transportFailure: (err) => {
      const failure = transportFailureOf(err, controller.signal);
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
    },
  };
}

/** The failure that says why the key's secret could not be had. */
function noSecret(keyId: string, err: unknown, failing: Failing): FailedAttempt {
  // A key held back from an address nobody confirmed is a config matter, not a bad key: it
  // must not be set aside as invalid, or confirming the address would not bring it back.
  if (err instanceof KeyStoreError && err.code === 'base_url_unconfirmed')
    return failing.fail({ class: 'caller', reason: err.message, retryElsewhere: true });
  return failing.fail({
    class: 'key-invalid',
    reason: `key "${keyId}" is unavailable: ${(err as Error).message}`,
    retryElsewhere: true,
  });
}

/**
 * Runs one attempt up to the moment it can be committed: its first meaningful streamed data, or
 * its whole non-streamed answer. Anything that fails before then is classified, so the
 * dispatcher can move on without the client ever seeing it.
 */
export async function startAttempt(run: AttemptRun): Promise<ReadyAttempt | FailedAttempt> {
  const { deps, req, candidate, codec, encoded, controller } = run;
  const { provider, model } = candidate;
  const startedAt = run.info.startedAt;
  let info = run.info;
  // Made only when an attempt fails or streams: a whole answer that succeeds needs none of it.
  let made: Failing | undefined;
  const ways = (): Failing => (made ??= failing(run, () => info));

  // Awaited here, not in a helper of its own: one async frame and one await fewer per attempt.
  let secret: string | undefined;
  if (candidate.keyId !== undefined) {
    try {
      secret = await deps.secret(candidate.keyId);
    } catch (err) {
      return noSecret(candidate.keyId, err, ways());
    }
  }

  // Both shapes in one object: a stream's request watches the signal, a whole answer the controller.
  const request: UpstreamRequest & WholeRequest = {
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
    signal: controller.signal,
    controller,
  };
  let response: UpstreamResponse | WholeResponse;
  try {
    response = req.stream
      ? await deps.upstream.send(request)
      : await deps.upstream.sendWhole(request, bodyLimit);
  } catch (err) {
    return ways().transportFailure(err);
  }
  info = {
    ...info,
    status: response.status,
    headersMs: deps.clock() - startedAt,
    upstreamHeaders: response.headers,
  };

  if (response.status < 200 || response.status >= 300) {
    let text = '';
    try {
      // Masked before parsing: the provider may have echoed the key with JSON escapes.
      text = deps.mask(
        await ('text' in response
          ? response.text
          : readBodyText(response.body, ERROR_BODY_LIMIT_BYTES)),
      );
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
    return ways().fail(failure, upstreamErrorMessage(body, `HTTP ${response.status}`));
  }

  if ('body' in response)
    return awaitFirstData({ run, info, body: response.body, failing: ways() });

  let text: string;
  try {
    text = await response.text;
  } catch (err) {
    return ways().transportFailure(err);
  }
  let decoded;
  try {
    decoded = codec.decode(text, model);
  } catch (err) {
    return ways().bug(err);
  }
  if (!decoded.ok) return ways().fail(streamFailure(decoded.error, provider, deps.clock()));
  const ready: AttemptInfo = {
    ...info,
    usage: decoded.usage,
    firstTokenMs: deps.clock() - startedAt,
  };
  info = ready;
  return {
    kind: 'ready',
    info: ready,
    abandon: () => controller.abort(),
    // Not async (it awaits nothing): a resolved promise, without an async frame to make it.
    commit: (res, headers) => {
      const body = deps.mask(decoded.body);
      // The dispatcher's headers are made for this answer: completed in place, not copied.
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
      res.writeHead(200, headers);
      res.end(body);
      return Promise.resolve<AttemptInfo>({
        ...ready,
        ...(deps.captureBodies() ? { responseText: body.slice(0, CAPTURE_LIMIT_CHARS) } : {}),
        outcome: 'ok',
        totalMs: deps.clock() - startedAt,
      });
    },
  };
}
