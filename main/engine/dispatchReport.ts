import type { RelayedRequest as ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { SkippedCandidate } from '../../app/routing/plan.ts';
import type { AttemptInfo } from './capacityGate.ts';
import type { Candidate } from './targets.ts';

// What the dispatcher (main/proxy) reports about each request, for the engine's recorder and the
// model watch: declared on the engine's side so the engine never imports the proxy.

/** What the request log and the event stream learn about each request. */
export type RequestSummary = {
  req: ProxyRequest;
  routeName: string | undefined;
  /** The rule that chose the route, or `x-switchyard-route` when the header forced it. */
  rule?: string;
  /** What session affinity did: "kept on groq key "g2" (…): same session", or why it moved. */
  affinity?: string;
  /** The candidates the plan left out, each with why. */
  planSkipped: ReadonlyArray<SkippedCandidate<Candidate>>;
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
