import type { ServerResponse } from 'node:http';
import { findModel } from '../../app/catalog/schema.ts';
import type { Config, Route } from '../../app/config/schema.ts';
import {
  afterFailure,
  finalAnswer,
  remainingAfter,
  skipOf,
} from '../../app/routing/dispatchRules.ts';
import type { Skip } from '../../app/routing/exhaustedAnswer.ts';
import type { RoutePlan } from '../../app/routing/plan.ts';
import {
  affinityNote,
  keepSession,
  sessionSource,
  type ServedBy,
} from '../../app/routing/affinity.ts';
import { SessionMemory } from './sessionMemory.ts';
import { sendError, type ErrorDialect } from '../server/respond.ts';
import {
  newAttemptInfo,
  startAttempt,
  type AttemptDeps,
  type AttemptInfo,
  type FailedAttempt,
  type ReadyAttempt,
} from './attempt.ts';
import { callerOf } from './adapters/registry.ts';
import type { Codec } from './codec.ts';
import type { Admission, CapacityGate } from '../engine/capacityGate.ts';
import type { DispatchObserver, RequestSummary } from '../engine/dispatchReport.ts';
import type { ProviderDirectory } from '../engine/providerDirectory.ts';
import type { RelayedRequest as ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { Candidate } from '../engine/targets.ts';
import { routeRequest } from './requestRoute.ts';
import { HookedAbortController } from '../upstream/hookedAbort.ts';

export type DispatchDeps = AttemptDeps & {
  config: () => Config;
  providers: ProviderDirectory;
  gate: CapacityGate;
  observer: DispatchObserver;
  /** Which target served each conversation's last turn (session affinity). */
  sessions: SessionMemory;
  /** The codec for this request and target format, or a reason the pair cannot work. */
  codecFor: (req: ProxyRequest, candidate: Candidate) => Codec | { unsupported: string };
  /** The route's plan for this request now: candidates in order, and those left out with why. */
  plan: (
    req: ProxyRequest,
    candidates: readonly Candidate[],
    route: Route | undefined,
  ) => RoutePlan<Candidate>;
};

/** What affinity did for the summary, judged by the attempt that answered. */
function affinityOf(
  previous: ServedBy | undefined,
  attempts: readonly AttemptInfo[],
): string | undefined {
  const served = attempts.find((a) => a.outcome === 'ok' || a.outcome === 'failed-mid-stream');
  return affinityNote(previous, served);
}

/** Errors go back in the caller's own envelope, from its adapter. */
function errorDialect(req: ProxyRequest): ErrorDialect {
  return callerOf(req.inbound).errorBody;
}

/** The headers that tell a client which route, provider and model answered, after how many attempts. */
function answerHeaders(
  req: ProxyRequest,
  routeName: string | undefined,
  info: Pick<AttemptInfo, 'provider' | 'model'> | undefined,
  attempts: number,
): Record<string, string> {
  const headers: Record<string, string> = {
    'x-switchyard-request-id': req.id,
    'x-switchyard-attempts': String(attempts),
  };
  if (routeName !== undefined) headers['x-switchyard-route'] = routeName;
  if (info) {
    headers['x-switchyard-provider'] = info.provider;
    headers['x-switchyard-model'] = info.model;
  }
  return headers;
}

/**
 * Carries one request through its plan: ask each candidate's gate for capacity, attempt it, and
 * commit the first attempt that reaches its first byte. Failures before that move on (or end
 * the request for the caller's own mistakes); after it, the attempt relays to the end.
 */
/** An attempt under way, with what it holds: its capacity admission and its own cancel switch. */
type Running = {
  admission: Extract<Admission, { ok: true }>;
  /** The attempt's one controller, aborted when the client leaves. */
  controller: HookedAbortController;
  /** Its place in `attempts`, where its final record goes. */
  slot: number;
  settled: Promise<ReadyAttempt | FailedAttempt>;
};

/**
 * `list` with `item` at its end. An empty list gives way to a list of one: a push onto an empty
 * array reserves room for 17, and most requests make one attempt.
 */
function appended<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}

/** An attempt's end, with the attempt it is of (for a race: which one ended). */
function settledOf(r: Running): Promise<{ r: Running; result: ReadyAttempt | FailedAttempt }> {
  return r.settled.then((result) => ({ r, result }));
}

export async function dispatch(
  deps: DispatchDeps,
  req: ProxyRequest,
  res: ServerResponse,
): Promise<void> {
  const config = deps.config();
  const resolution = routeRequest(req, config, deps.providers);
  if (!resolution.ok) {
    sendError(res, errorDialect(req), resolution.status, resolution.message, resolution.code);
    return;
  }
  const { routeName, route } = resolution;
  const rule = resolution.via === 'header' ? 'x-switchyard-route' : resolution.rule;
  if (resolution.note !== undefined) res.setHeader('x-switchyard-note', resolution.note);
  const plan = deps.plan(req, resolution.candidates, route);
  // Affinity picks among the route's targets: with one (one target, one key) it has nothing to
  // keep, and its session text and hash (some 3 µs a request) would only be thrown away.
  const source =
    route !== undefined && route.affinity !== false && resolution.candidates.length > 1
      ? sessionSource(req.body, req.sessionHeader)
      : undefined;
  // Hashed before the upstream call only when there is a session to keep; a first turn (or a
  // repeated one-shot prompt) is only remembered, so its hash waits until the answer is sent.
  let session: string | undefined;
  const sessionId = (): string | undefined =>
    source && route ? (session ??= SessionMemory.idOf(route.name, source.text)) : undefined;
  const kept = source?.continues === true ? sessionId() : undefined;
  const previous = kept !== undefined ? deps.sessions.get(kept) : undefined;
  let candidates: readonly Candidate[] = keepSession(plan.candidates, previous, plan.waiting);
  /**
   * The client hung up. Its leaving aborts every attempt's controller (the one waiting for
   * capacity too) directly: one controller per attempt, none for the client, nothing to link.
   */
  let clientGone = false;
  let controllers: HookedAbortController[] = [];
  const onClose = () => {
    if (res.writableFinished) return;
    clientGone = true;
    for (const controller of controllers) controller.abort();
  };
  // `on`, not `once` (a response closes once): no wrapper made per request.
  res.on('close', onClose);
  deps.observer.requestStarted(req, routeName);

  let attempts: AttemptInfo[] = [];
  const failures: FailedAttempt[] = [];
  const skipped: Skip[] = plan.skipped.map(skipOf);
  /** Our own code threw: the request ends with a 500, the provider is not blamed. */
  let bug: { error: unknown } | undefined;
  const losers: Array<Promise<unknown>> = [];
  const waitMs = route?.onLimit.mode === 'wait' ? route.onLimit.maxWaitMs : 0;
  const budgetMs = route?.latencyBudgetMs;
  let next = 0;
  let status = 0;
  let error: string | undefined;

  /** Starts the next candidate that can take this request now, or returns undefined. */
  const launch = async (hedged: boolean): Promise<Running | undefined> => {
    while (next < candidates.length && !clientGone) {
      const candidate = candidates[next++] as Candidate;
      const codec = deps.codecFor(req, candidate);
      if ('unsupported' in codec) {
        skipped.push({
          kind: 'unsupported',
          reason: `${candidate.provider.name}: ${codec.unsupported}`,
        });
        continue;
      }
      // Encoded before capacity is taken: a feature this target cannot take (n > 1, logprobs
      // on Anthropic or Gemini) skips it without spending its quota or "failing" it.
      let encoded: ReturnType<Codec['encode']>;
      try {
        encoded = codec.encode(req, candidate.model, candidate.provider);
      } catch (error) {
        bug = { error };
        return undefined;
      }
      if (!encoded.ok) {
        skipped.push({
          kind: 'unsupported',
          reason: `${candidate.provider.name} cannot take this request: ${encoded.error.message}`,
        });
        continue;
      }
      // Made before capacity is asked for: a wait for it ends when the client leaves.
      const controller = new HookedAbortController();
      controllers = appended(controllers, controller);
      // A hedge is there to be fast: it takes capacity that is free now or none at all, so a
      // first attempt that becomes ready meanwhile is never held up behind its wait.
      const admission = await deps.gate.acquire(
        candidate,
        req,
        hedged ? 0 : waitMs,
        controller.signal,
      );
      if (admission.ok && clientGone) {
        // The client left while this request waited for capacity: give the capacity back unused.
        admission.release({
          ...newAttemptInfo(candidate, deps.clock(), hedged),
          outcome: 'aborted',
        });
        return undefined;
      }
      if (!admission.ok) {
        skipped.push({
          kind: 'limited',
          reason: admission.reason,
          ...(admission.retryAt !== undefined ? { retryAt: admission.retryAt } : {}),
        });
        continue;
      }
      const info = newAttemptInfo(candidate, deps.clock(), hedged);
      attempts = appended(attempts, info);
      const slot = attempts.length - 1;
      const running: Running = {
        admission,
        controller,
        slot,
        settled: startAttempt({ deps, req, candidate, codec, encoded, controller, info }),
      };
      return running;
    }
    return undefined;
  };

  /** Drops an attempt that lost the race or is no longer wanted; it is logged as such. */
  const dropLoser = (loser: Running) => {
    loser.controller.abort();
    losers.push(
      loser.settled.then((result) => {
        // Being slower than another target is not a failure: nothing to cool down or park.
        const { failure: _notAFailure, ...rest } = result.info;
        const lost: AttemptInfo = { ...rest, outcome: 'lost-race' };
        attempts[loser.slot] = lost;
        if (result.kind === 'ready') result.abandon();
        loser.admission.release(lost);
      }),
    );
  };

  try {
    // An array, not a Set: a Set's table is made, grown and shrunk for what is mostly one attempt.
    const first = await launch(false);
    const running: Running[] = first ? [first] : [];
    let lastLaunch = deps.clock();
    let winner: { attempt: ReadyAttempt; running: Running } | undefined;
    let stop = false;
    while (running.length > 0 && !winner && !stop) {
      const canHedge = budgetMs !== undefined && next < candidates.length;
      let timer: NodeJS.Timeout | undefined;
      const budget = canHedge
        ? new Promise<'budget'>((resolve) => {
            timer = setTimeout(
              () => resolve('budget'),
              Math.max(0, lastLaunch + budgetMs - deps.clock()),
            );
          })
        : undefined;
      // One attempt and no budget, the usual case: awaited as it is, nothing made to race it.
      let outcome: 'budget' | { r: Running; result: ReadyAttempt | FailedAttempt };
      if (budget === undefined && running.length === 1) {
        const r = running[0] as Running;
        outcome = { r, result: await r.settled };
      } else {
        outcome = await Promise.race([...running.map(settledOf), ...(budget ? [budget] : [])]);
      }
      clearTimeout(timer);
      if (outcome === 'budget') {
        const hedge = await launch(true);
        lastLaunch = deps.clock();
        if (hedge) running.push(hedge);
        continue;
      }
      running.splice(running.indexOf(outcome.r), 1);
      const { result } = outcome;
      if (result.kind === 'ready') {
        winner = { attempt: result, running: outcome.r };
        break;
      }
      attempts[outcome.r.slot] = result.info;
      outcome.r.admission.release(result.info);
      failures.push(result);
      const step = afterFailure(result.failure, clientGone);
      if (step === 'our-bug') {
        bug = { error: result.bug };
        break;
      }
      // Only a model with a larger context window can take a prompt too big for this one.
      const failedWindow = () =>
        findModel(deps.providers.catalog, result.info.provider, result.info.model)?.contextWindow;
      const remaining = candidates.slice(next);
      const kept = remainingAfter(result.failure, remaining, failedWindow);
      if (kept !== remaining) candidates = [...candidates.slice(0, next), ...kept];
      if (step === 'stop') {
        stop = true;
        break;
      }
      if (running.length === 0) {
        const fallback = await launch(false);
        lastLaunch = deps.clock();
        if (fallback) running.push(fallback);
      }
    }
    for (const r of running) dropLoser(r);

    if (winner) {
      let final = winner.attempt.info;
      try {
        final = await winner.attempt.commit(
          res,
          answerHeaders(req, routeName, winner.attempt.info, attempts.length),
        );
      } finally {
        attempts[winner.running.slot] = final;
        winner.running.admission.release(final);
      }
      // The client got a 200 and a stream that ended in an error: the log counts it as failed.
      status = final.outcome === 'failed-mid-stream' ? 502 : 200;
      const remembered = final.outcome === 'ok' ? sessionId() : undefined;
      if (remembered !== undefined) {
        deps.sessions.remember(remembered, {
          provider: final.provider,
          keyId: final.keyId,
          model: final.model,
        });
      }
      if (status === 502) error = final.failure?.reason;
      return;
    }
    if (clientGone) {
      error = 'Cancelled by the client.';
      return;
    }
    if (bug !== undefined) {
      deps.reportBug(req.id, bug.error);
      status = 500;
      error = `Switchyard hit an internal error (request id ${req.id}); the provider was not at fault. The engine log has the details; please report it.`;
      sendError(
        res,
        errorDialect(req),
        status,
        error,
        'internal_error',
        answerHeaders(req, routeName, undefined, attempts.length),
      );
      return;
    }
    const answer = finalAnswer(failures, skipped, deps.clock());
    status = answer.status;
    error = answer.message;
    sendError(res, errorDialect(req), answer.status, answer.message, answer.code, {
      ...answerHeaders(req, routeName, answer.from?.info, attempts.length),
      ...(answer.retryAfterS !== undefined ? { 'retry-after': String(answer.retryAfterS) } : {}),
    });
  } finally {
    res.off('close', onClose);
    // Most requests raced nothing: no turn of the event loop spent waiting on an empty list.
    if (losers.length > 0) await Promise.allSettled(losers);
    // Built in place: the optional fields are set when present, not spread from throwaway objects.
    const summary: RequestSummary = {
      req,
      routeName,
      planSkipped: plan.skipped,
      attempts,
      status: clientGone ? 499 : status,
      abortedByClient: clientGone,
      finishedAt: deps.clock(),
    };
    if (rule !== undefined) summary.rule = rule;
    const affinity = affinityOf(previous, attempts);
    if (affinity !== undefined) summary.affinity = affinity;
    if (error !== undefined) summary.error = error;
    deps.observer.requestFinished(summary);
  }
}
