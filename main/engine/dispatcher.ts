import type { ServerResponse } from 'node:http';
import { findModel } from '../../app/catalog/schema.ts';
import type { Config, Route } from '../../app/config/schema.ts';
import { largerWindowCandidates, type RoutePlan, type SkipReason } from '../../app/routing/plan.ts';
import { sendError, type ErrorDialect } from '../server/respond.ts';
import {
  newAttemptInfo,
  startAttempt,
  type AttemptDeps,
  type AttemptInfo,
  type FailedAttempt,
  type ReadyAttempt,
} from './attempt.ts';
import type { Codec } from './codec.ts';
import type { Admission, CapacityGate } from './gate.ts';
import type { ProviderDirectory } from './providerDirectory.ts';
import type { ProxyRequest } from './proxyRequest.ts';
import { resolveModel, type Candidate } from './targets.ts';

/** What the request log and the event stream learn about each request. */
export type RequestSummary = {
  req: ProxyRequest;
  routeName: string | undefined;
  attempts: AttemptInfo[];
  /** Status the client got. */
  status: number;
  /** The error message the client got, when it got one. */
  error?: string;
  abortedByClient: boolean;
  finishedAt: number;
};

export interface DispatchObserver {
  requestStarted(req: ProxyRequest, routeName: string | undefined): void;
  requestFinished(summary: RequestSummary): void;
}

export type DispatchDeps = AttemptDeps & {
  config: () => Config;
  providers: ProviderDirectory;
  gate: CapacityGate;
  observer: DispatchObserver;
  /** The codec for this request and target format, or a reason the pair cannot work. */
  codecFor: (req: ProxyRequest, candidate: Candidate) => Codec | { unsupported: string };
  /** The route's plan for this request now: candidates in order, and those left out with why. */
  plan: (
    req: ProxyRequest,
    candidates: readonly Candidate[],
    route: Route | undefined,
  ) => RoutePlan<Candidate>;
};

function errorDialect(req: ProxyRequest): ErrorDialect {
  return req.inbound === 'anthropic' ? 'anthropic' : 'openai';
}

/** The headers that tell a client which route, provider and model answered, after how many attempts. */
function answerHeaders(
  req: ProxyRequest,
  routeName: string | undefined,
  info: AttemptInfo | undefined,
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
 * A candidate not attempted: it cannot serve this kind of request, it has no capacity now, or the
 * route's rules leave it out (privacy, paid budget, a prompt larger than its context window).
 */
type Skip = {
  kind: 'unsupported' | 'limited' | 'privacy' | 'budget' | 'context';
  reason: string;
  retryAt?: number;
};

const SKIP_KIND: Record<SkipReason, Skip['kind']> = {
  cooling: 'limited',
  parked: 'limited',
  invalid: 'limited',
  'no-capacity': 'limited',
  privacy: 'privacy',
  budget: 'budget',
  context: 'context',
};

/** The one answer a client gets when no target could serve: every attempt's reason, and when to retry. */
function exhaustedAnswer(
  failures: FailedAttempt[],
  skipped: Skip[],
  now: number,
): { status: number; message: string; code: string; retryAfterS?: number } {
  const reasons = [...failures.map((f) => f.failure.reason), ...skipped.map((s) => s.reason)].map(
    (r) => r.replace(/\.+$/, ''),
  );
  const limitedSkips = skipped.some((s) => s.kind === 'limited' || s.kind === 'budget');
  if (failures.length === 0 && !limitedSkips) {
    // Nothing was tried and nothing is merely busy: the route's rules leave no target for this request.
    const privacy = skipped.some((s) => s.kind === 'privacy');
    const context = skipped.some((s) => s.kind === 'context');
    return {
      status: privacy ? 403 : 400,
      message: `No target of this route may take this request: ${reasons.join('; ')}.`,
      code: privacy
        ? 'excluded_by_privacy'
        : context
          ? 'context_length_exceeded'
          : 'unsupported_by_targets',
    };
  }
  const classes = new Set(failures.map((f) => f.failure.class));
  const waits = [
    ...failures.map((f) => f.failure.cooldownUntil ?? f.failure.parkUntil),
    ...skipped.map((s) => s.retryAt),
  ].filter((t): t is number => t !== undefined && t > now);
  const retryAfterS =
    waits.length > 0 ? Math.max(1, Math.ceil((Math.min(...waits) - now) / 1000)) : undefined;
  const allLimited =
    (failures.length === 0 && limitedSkips) ||
    (failures.length > 0 &&
      [...classes].every((c) => c === 'transient' || c === 'exhausted') &&
      failures.some((f) => f.info.status === 429 || f.failure.class === 'exhausted'));
  const status = allLimited ? 429 : 502;
  const message = `No provider could answer (${reasons.length} tried or skipped): ${reasons.join('; ')}.${retryAfterS !== undefined ? ` The earliest capacity returns in ${retryAfterS} s.` : ''}`;
  return {
    status,
    message,
    code: allLimited ? 'all_targets_limited' : 'all_targets_failed',
    ...(retryAfterS !== undefined ? { retryAfterS } : {}),
  };
}

/**
 * Carries one request through its plan: ask each candidate's gate for capacity, attempt it, and
 * commit the first attempt that reaches its first byte. Failures before that move on (or end
 * the request for the caller's own mistakes); after it, the attempt relays to the end.
 */
/** An attempt under way, with what it holds: its capacity admission and its own cancel switch. */
type Running = {
  admission: Extract<Admission, { ok: true }>;
  cancel: AbortController;
  settled: Promise<ReadyAttempt | FailedAttempt>;
};

export async function dispatch(
  deps: DispatchDeps,
  req: ProxyRequest,
  res: ServerResponse,
): Promise<void> {
  const config = deps.config();
  const resolution = resolveModel(req.model, config, deps.providers);
  if (!resolution.ok) {
    sendError(res, errorDialect(req), resolution.status, resolution.message, resolution.code);
    return;
  }
  const { routeName, route } = resolution;
  if (resolution.note !== undefined) res.setHeader('x-switchyard-note', resolution.note);
  const plan = deps.plan(req, resolution.candidates, route);
  let candidates: readonly Candidate[] = plan.candidates;
  const client = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) client.abort();
  };
  res.once('close', onClose);
  deps.observer.requestStarted(req, routeName);

  const attempts: AttemptInfo[] = [];
  const failures: FailedAttempt[] = [];
  const skipped: Skip[] = plan.skipped.map((s) => ({
    kind: SKIP_KIND[s.reason],
    reason: s.message,
    ...(s.until !== undefined ? { retryAt: s.until } : {}),
  }));
  const losers: Array<Promise<unknown>> = [];
  const unlinks: Array<() => void> = [];
  const waitMs = route?.onLimit.mode === 'wait' ? route.onLimit.maxWaitMs : 0;
  const budgetMs = route?.latencyBudgetMs;
  let next = 0;
  let status = 0;
  let error: string | undefined;

  /** Starts the next candidate that can take this request now, or returns undefined. */
  const launch = async (hedged: boolean): Promise<Running | undefined> => {
    while (next < candidates.length && !client.signal.aborted) {
      const candidate = candidates[next++] as Candidate;
      const codec = deps.codecFor(req, candidate);
      if ('unsupported' in codec) {
        skipped.push({
          kind: 'unsupported',
          reason: `${candidate.provider.name}: ${codec.unsupported}`,
        });
        continue;
      }
      const admission = await deps.gate.acquire(candidate, req, waitMs, client.signal);
      if (admission.ok && client.signal.aborted) {
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
      const cancel = new AbortController();
      const onClientAbort = () => cancel.abort();
      client.signal.addEventListener('abort', onClientAbort, { once: true });
      // Linked until the whole request is over: a ready attempt still streams after it settles.
      unlinks.push(() => client.signal.removeEventListener('abort', onClientAbort));
      const info = newAttemptInfo(candidate, deps.clock(), hedged);
      attempts.push(info);
      const running: Running = {
        admission,
        cancel,
        settled: startAttempt(deps, req, candidate, codec, cancel.signal, info),
      };
      return running;
    }
    return undefined;
  };

  /** Drops an attempt that lost the race or is no longer wanted; it is logged as such. */
  const dropLoser = (loser: Running) => {
    loser.cancel.abort();
    losers.push(
      loser.settled.then((result) => {
        result.info.outcome = 'lost-race';
        // Being slower than another target is not a failure: nothing to cool down or park.
        delete result.info.failure;
        if (result.kind === 'ready') result.abandon();
        loser.admission.release(result.info);
      }),
    );
  };

  try {
    const running = new Set<Running>();
    const first = await launch(false);
    if (first) running.add(first);
    let lastLaunch = deps.clock();
    let winner: { attempt: ReadyAttempt; admission: Running['admission'] } | undefined;
    let stop = false;
    while (running.size > 0 && !winner && !stop) {
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
      const outcome = await Promise.race([
        ...[...running].map((r) => r.settled.then((result) => ({ r, result }))),
        ...(budget ? [budget] : []),
      ]);
      clearTimeout(timer);
      if (outcome === 'budget') {
        const hedge = await launch(true);
        lastLaunch = deps.clock();
        if (hedge) running.add(hedge);
        continue;
      }
      running.delete(outcome.r);
      const { result } = outcome;
      if (result.kind === 'ready') {
        winner = { attempt: result, admission: outcome.r.admission };
        break;
      }
      outcome.r.admission.release(result.info);
      failures.push(result);
      if (result.failure.class === 'too-big') {
        // Only a model with a larger context window can take this prompt.
        const failedWindow = findModel(
          deps.providers.catalog,
          result.info.provider,
          result.info.model,
        )?.contextWindow;
        candidates = [
          ...candidates.slice(0, next),
          ...largerWindowCandidates(candidates.slice(next), failedWindow),
        ];
      }
      if (!result.failure.retryElsewhere || client.signal.aborted) {
        stop = true;
        break;
      }
      if (running.size === 0) {
        const fallback = await launch(false);
        lastLaunch = deps.clock();
        if (fallback) running.add(fallback);
      }
    }
    for (const r of running) dropLoser(r);

    if (winner) {
      try {
        await winner.attempt.commit(
          res,
          answerHeaders(req, routeName, winner.attempt.info, attempts.length),
        );
      } finally {
        winner.admission.release(winner.attempt.info);
      }
      status = 200;
      return;
    }
    if (client.signal.aborted) return;
    const last = failures.at(-1);
    // Too big for every model tried: the provider's own words say by how much.
    const tooBig = failures.length > 0 && failures.every((f) => f.failure.class === 'too-big');
    if (last && (!last.failure.retryElsewhere || tooBig)) {
      status = last.info.status || 400;
      error = `${last.upstreamMessage ?? last.failure.reason} (from ${last.info.provider})`;
      sendError(
        res,
        errorDialect(req),
        status,
        error,
        tooBig ? 'context_length_exceeded' : 'upstream_rejected_request',
        answerHeaders(req, routeName, last.info, attempts.length),
      );
      return;
    }
    const answer = exhaustedAnswer(failures, skipped, deps.clock());
    status = answer.status;
    error = answer.message;
    sendError(res, errorDialect(req), answer.status, answer.message, answer.code, {
      ...answerHeaders(req, routeName, undefined, attempts.length),
      ...(answer.retryAfterS !== undefined ? { 'retry-after': String(answer.retryAfterS) } : {}),
    });
  } finally {
    res.off('close', onClose);
    for (const unlink of unlinks) unlink();
    await Promise.allSettled(losers);
    deps.observer.requestFinished({
      req,
      routeName,
      attempts,
      status: client.signal.aborted ? 499 : status,
      ...(error !== undefined ? { error } : {}),
      abortedByClient: client.signal.aborted,
      finishedAt: deps.clock(),
    });
  }
}
