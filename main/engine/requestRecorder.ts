import type { RequestStartedEvent } from '../../app/admin/events.ts';
import type { AttemptRecord, LoggedFailureClass, RequestRecord } from '../../app/admin/types.ts';
import { costUsd, findModel, priceKnown } from '../../app/catalog/schema.ts';
import type { RelayedRequest } from '../../app/formats/proxyRequest.ts';
import type { AttemptInfo } from './capacityGate.ts';
import type { DispatchObserver, RequestSummary } from './dispatchReport.ts';
import type { EventHub } from './eventHub.ts';
import type { ProviderDirectory } from './providerDirectory.ts';
import type { RequestLogThread } from '../store/requestLogThread.ts';

function failureClassOf(info: AttemptInfo): LoggedFailureClass | null {
  if (info.outcome === 'failed-mid-stream') return 'mid-stream';
  return info.failure?.class ?? null;
}

/** The attempt that answered the client, or, when none did, the last one tried. */
function servingAttempt(attempts: AttemptInfo[]): AttemptInfo | undefined {
  return (
    attempts.find((a) => a.outcome === 'ok' || a.outcome === 'failed-mid-stream') ?? attempts.at(-1)
  );
}

/** What is known of a request when it starts: the live event, and the head of its log record. */
function started(req: RelayedRequest, routeName: string | undefined): RequestStartedEvent {
  return {
    id: req.id,
    startedAt: req.receivedAt,
    kind: req.kind,
    inboundFormat: req.inbound,
    requestedModel: req.model,
    route: routeName ?? null,
    streamed: req.stream,
  };
}

/**
 * Turns what the dispatcher saw into the request log's records and the dashboard's live
 * events. Costs come from the catalog's prices, and stay null where a price is unknown.
 */
export function createRequestRecorder(deps: {
  requestLog: RequestLogThread;
  events: EventHub;
  providers: ProviderDirectory;
  logBodies: () => boolean;
  /** Hides the engine's secrets: an upstream's error text or an answer may have echoed one. */
  mask: (text: string) => string;
  /** Redacts a logged body (store/bodyRedaction.ts); runs after the answer was sent. */
  redactBody: (text: string) => Promise<string>;
  /** Called with every record as it goes to the log (the paid-spend counter listens). */
  onRecorded?: (request: RequestRecord, attempts: AttemptRecord[]) => void;
  /** Called with what the dispatcher saw of every request (the model watch reads the answers). */
  onFinished?: (summary: RequestSummary) => void;
}): DispatchObserver & {
  /** Resolves once every record waiting for its bodies' redaction is in the log. */
  settled: () => Promise<void>;
} {
  const redacting = new Set<Promise<void>>();
  const cost = (info: AttemptInfo): number | null => {
    if (!info.usage) return null;
    const model = findModel(deps.providers.catalog, info.provider, info.model);
    return priceKnown(model)
      ? costUsd(model, info.usage.tokensIn, info.usage.tokensOut, info.usage.tokensCached)
      : null;
  };
  const maskOrNull = (text: string | undefined): string | null =>
    text === undefined ? null : deps.mask(text);
  const attemptRecord = (info: AttemptInfo, index: number): AttemptRecord => ({
    index,
    startedAt: info.startedAt,
    provider: info.provider,
    model: info.model,
    keyId: info.keyId ?? null,
    status: info.status,
    outcome: info.outcome,
    failureClass: failureClassOf(info),
    reason: info.failure?.reason === undefined ? null : deps.mask(info.failure.reason),
    headersMs: info.headersMs ?? null,
    firstTokenMs: info.firstTokenMs ?? null,
    totalMs: info.totalMs ?? null,
    tokensIn: info.usage?.tokensIn ?? null,
    tokensOut: info.usage?.tokensOut ?? null,
    costUsd: cost(info),
    hedged: info.hedged,
    holdUntil: info.failure?.cooldownUntil ?? info.failure?.parkUntil ?? null,
  });

  return {
    requestStarted: (req, routeName) => {
      // No dashboard open, the usual case at load: no event is made only to be dropped.
      if (deps.events.clientCount > 0)
        deps.events.publish('request.started', started(req, routeName));
    },
    requestFinished: (summary: RequestSummary) => {
      const { req } = summary;
      deps.onFinished?.(summary);
      const attempts = summary.attempts.map(attemptRecord);
      for (const skip of summary.planSkipped)
        attempts.push({
          index: attempts.length,
          startedAt: req.receivedAt,
          provider: skip.candidate.provider.id,
          model: skip.candidate.model,
          keyId: skip.candidate.keyId ?? null,
          status: 0,
          outcome: 'skipped',
          failureClass: null,
          reason: deps.mask(skip.message),
          headersMs: null,
          firstTokenMs: null,
          totalMs: null,
          tokensIn: null,
          tokensOut: null,
          costUsd: null,
          hedged: false,
          holdUntil: skip.until ?? null,
        });
      const serving = servingAttempt(summary.attempts);
      const servingRecord = serving ? attempts[summary.attempts.indexOf(serving)] : undefined;
      const succeeded = summary.status >= 200 && summary.status < 300 && serving?.outcome === 'ok';
      let costUsd: number | null = null;
      for (const attempt of attempts)
        if (attempt.costUsd !== null) costUsd = (costUsd ?? 0) + attempt.costUsd;
      let hedged = false;
      for (const attempt of summary.attempts) hedged ||= attempt.hedged;
      // The serving attempt's times count from its own start; the request's, from its arrival.
      const servingFrom = serving === undefined ? 0 : serving.startedAt - req.receivedAt;
      const headersMs = serving?.headersMs;
      const firstTokenMs = serving?.firstTokenMs;
      // Its head written out as `started` has it: a spread of that would make the object twice.
      const record: RequestRecord = {
        id: req.id,
        startedAt: req.receivedAt,
        kind: req.kind,
        inboundFormat: req.inbound,
        requestedModel: req.model,
        route: summary.routeName ?? null,
        streamed: req.stream,
        rule: summary.rule ?? null,
        affinity: summary.affinity ?? null,
        provider: serving?.provider ?? null,
        keyId: serving?.keyId ?? null,
        model: serving?.model ?? null,
        status: summary.status,
        // A client that hung up ended the request, whatever an earlier attempt met on the way.
        failureClass: succeeded
          ? null
          : summary.abortedByClient
            ? 'cancelled'
            : (servingRecord?.failureClass ?? null),
        error: succeeded ? null : (maskOrNull(summary.error) ?? servingRecord?.reason ?? null),
        headersMs: headersMs === undefined ? null : servingFrom + headersMs,
        firstTokenMs: firstTokenMs === undefined ? null : servingFrom + firstTokenMs,
        totalMs: summary.finishedAt - req.receivedAt,
        tokensIn: serving?.usage?.tokensIn ?? null,
        tokensOut: serving?.usage?.tokensOut ?? null,
        costUsd,
        hedged,
        clientAborted: summary.abortedByClient,
      };
      const commit = (row: RequestRecord) => {
        // The dashboard lists what the log accepted.
        if (deps.requestLog.record(row, attempts)) deps.events.publishFinished(row, attempts);
        deps.onRecorded?.(row, attempts);
      };
      if (!deps.logBodies()) {
        commit(record);
        return;
      }
      const responseText = serving?.responseText;
      const work = Promise.all([
        deps.redactBody(deps.mask(JSON.stringify(req.body))),
        responseText === undefined ? undefined : deps.redactBody(deps.mask(responseText)),
      ]).then(
        ([requestBody, responseBody]) =>
          commit({
            ...record,
            requestBody,
            ...(responseBody === undefined ? {} : { responseBody }),
          }),
        // A body that could not be redacted is not kept; the row itself still is.
        () => commit(record),
      );
      redacting.add(work);
      void work.finally(() => redacting.delete(work));
    },
    settled: async () => {
      await Promise.all([...redacting]);
    },
  };
}
