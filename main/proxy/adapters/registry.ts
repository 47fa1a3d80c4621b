/**
 * Every wire format the proxy speaks, one adapter each. A format missing here, or an adapter
 * missing a side its roles need (CallerFormat for callers, WireFormat for targets), is a type
 * error: main/proxy/README.md says how to add one.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CallerFormat } from '../../../app/formats/proxyRequest.ts';
import type { AdapterRegistry, CallerSide } from '../adapter.ts';
import type { ErrorEnvelope } from '../../server/respond.ts';
import { ANTHROPIC } from './anthropic.ts';
import { GEMINI } from './gemini.ts';
import { OPENAI } from './openai.ts';
import { RESPONSES } from './responses.ts';

export const ADAPTERS: AdapterRegistry = {
  openai: OPENAI,
  anthropic: ANTHROPIC,
  gemini: GEMINI,
  responses: RESPONSES,
};

/** The caller side of a caller format. */
export function callerOf(format: CallerFormat): CallerSide {
  return ADAPTERS[format].caller;
}

/** A caller side with the format it speaks. */
export type Caller = CallerSide & { format: CallerFormat };

/** Every caller side, for the edge to find a path's endpoint. */
export const CALLERS: readonly Caller[] = Object.values(ADAPTERS).flatMap((adapter) =>
  adapter.caller === null ? [] : [{ ...adapter.caller, format: adapter.format }],
);

/**
 * The error envelope a path's errors are written in: its caller format's. A path no format
 * claims (the model list, unknown paths) is guessed from the headers: Anthropic's SDK sends
 * `anthropic-version` and `x-api-key`; anything else reads OpenAI's envelope.
 */
export function errorEnvelopeFor(
  pathname: string,
  headers: IncomingHttpHeaders = {},
): ErrorEnvelope {
  // A loop, not `find`: asked twice per request, with no closure made for it.
  for (const caller of CALLERS) if (caller.ownsPath(pathname)) return caller.errorBody;
  const anthropic =
    headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined;
  return callerOf(anthropic ? 'anthropic' : 'openai').errorBody;
}
