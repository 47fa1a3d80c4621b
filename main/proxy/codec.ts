import type { StreamError, TranslationError } from '../../app/formats/common.ts';
import type { Provider } from '../../app/catalog/schema.ts';
import type { ProxyRequest } from '../../app/formats/proxyRequest.ts';
import type { UsageCounts } from '../engine/capacityGate.ts';

/** One step of relaying a stream: what to send the client now, and what was learned. */
export type RelayStep = {
  /** Text for the client, already in the caller's format ('' while nothing is due). */
  out: string;
  /**
   * `out` as two strings, when it joins a completed held event to a run of whole events after
   * it (SseRun): written apart, neither is copied into one string. Each part is whole events.
   */
  parts?: readonly [lead: string, run: string];
  /** True once the upstream produced something a client would see (content, a tool call, a finish). */
  started: boolean;
  /** The upstream failed inside the stream (an error event, malformed or truncated data). */
  error?: StreamError;
  /**
   * Our own translator threw (a bug, not the upstream's doing): `error` then ends the caller's
   * stream with an internal error, and the engine log gets this exception's stack.
   */
  bug?: unknown;
};

/** Relays one upstream stream to one client, translating when the formats differ. */
export interface StreamRelay {
  push(text: string): RelayStep;
  /** The upstream closed; a stream without its end marker yields a truncation error. */
  end(): RelayStep;
  /** Text ending the client's stream with an error its SDK raises. */
  errorText(error: StreamError): string;
  /**
   * The token counts of the latest usage the upstream reported (undefined: none yet). Asked once,
   * when the stream ends, fails or is cancelled, so a relay may keep usage unread until then.
   */
  usage(): UsageCounts | undefined;
}

export type DecodedBody =
  { ok: true; body: string; usage: UsageCounts } | { ok: false; error: StreamError };

/** A request as it goes upstream: its body, and headers only this target takes (e.g. a beta). */
export type EncodedRequest = { body: string; headers?: Record<string, string> };

/** How one inbound format meets one target format for one endpoint. */
export interface Codec {
  /** The upstream URL for this request. */
  url(provider: Provider, model: string, stream: boolean): string;
  /** The upstream body, or why this request cannot go to this target. */
  encode(
    req: ProxyRequest,
    model: string,
    provider: Provider,
  ): ({ ok: true } & EncodedRequest) | { ok: false; error: TranslationError };
  /** A whole (non-streamed) upstream answer into the caller's format. */
  decode(text: string, model: string): DecodedBody;
  relay(model: string): StreamRelay;
}
