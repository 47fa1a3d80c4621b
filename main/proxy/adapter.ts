/**
 * What one wire format brings to the request path. Every format has one adapter (adapters/),
 * listed once in the registry (adapters/registry.ts): the compiler refuses a format that lacks
 * a side it needs, and a side it cannot have.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { Provider, WireFormat } from '../../app/catalog/schema.ts';
import type { StreamError, Translated } from '../../app/formats/common.ts';
import type { ChatCompletion, ChatCompletionRequest } from '../../app/formats/openai.ts';
import type {
  CallerFormat,
  EndpointKind,
  ProxyRequest,
  ProxyRequestOf,
} from '../../app/formats/proxyRequest.ts';
import type { ErrorEnvelope } from '../server/respond.ts';
import type { Codec } from './codec.ts';
import type { FromOpenAi, ToOpenAi } from './relays.ts';

/** A format a caller or a target (or both) can speak. */
export type ProxyFormat = WireFormat | CallerFormat;

/** One endpoint a caller format serves: its kind, and the schema that decodes its body. */
export type CallerEndpoint = {
  kind: EndpointKind;
  schema: z.ZodType<Record<string, unknown>>;
  /**
   * A hand check of the body's common shape, accepting only what `schema` accepts, so such a
   * body is used as it came instead of as zod's copy. For a schema with no defaults and no
   * transforms, a body the schema passes is used as it came too, so what goes upstream does
   * not depend on which of the two passed it.
   */
  asSent?: (body: Record<string, unknown>) => boolean;
  /**
   * The schema fills in defaults (Gemini's missing `parts`): `asSent` accepts only a body the
   * schema would return unchanged, and a body it leaves to the schema is read as the schema's
   * output, defaults filled in.
   */
  schemaFills?: true;
};

/** The requests a caller format sends through the OpenAI hub (those that are not token counts). */
export type HubRequest = ProxyRequestOf<'chat' | 'messages' | 'responses' | 'generate'>;

/** The format as the client speaks it: how its requests come in and its answers and errors go out. */
export interface CallerSide {
  /** Decode: the paths it serves, each with its endpoint kind and body schema. */
  endpoints: Readonly<Record<string, CallerEndpoint>>;
  /**
   * Decode: an endpoint whose path carries its model (Gemini's `models/{model}:method`), with
   * the model and whether it streams; undefined for a path it does not serve this way.
   */
  match?(
    pathname: string,
    query: URLSearchParams,
  ): (CallerEndpoint & { model: string; stream: boolean; jsonArrayStream?: true }) | undefined;
  /** What `match` serves, as the unknown-endpoint answer lists it (`POST /v1beta/…`). */
  matchedPaths?: readonly string[];
  /** Whether an error on this path is written in this format (before any endpoint matched). */
  ownsPath(pathname: string): boolean;
  /** Decode: request headers the engine keeps (e.g. Anthropic's beta header). */
  headers(headers: IncomingHttpHeaders): Pick<ProxyRequest, 'anthropicBeta'>;
  /** The request in the hub's terms; `producer` is the target's `provider/model`. */
  toHub(req: HubRequest, producer: string): Translated<ChatCompletionRequest>;
  /** A whole hub answer in this format. */
  answer(completion: ChatCompletion, model: string, producer: string, req: HubRequest): unknown;
  /** Hub stream chunks into this format's stream. */
  stream(model: string, producer: string, req: HubRequest): FromOpenAi;
  /** stream_options policy: whether the caller asked for a usage chunk (the hub always asks). */
  includeUsage(req: HubRequest): boolean;
  /** The error envelope before the first byte. */
  errorBody: ErrorEnvelope;
  /** The error envelope after the first byte: text that ends this format's stream. */
  streamErrorText(error: StreamError): string;
  /** Same format both sides: the bytes pass through (with the target's model name). */
  passthrough(req: HubRequest, provider: Provider): Codec;
}

/** The format as a provider speaks it: how the hub's request goes up and its answers come back. */
export interface TargetSide {
  /** URL building for a chat request. */
  url(provider: Provider, model: string, stream: boolean): string;
  /** Encode a hub request (stream_options policy included) into this format's body. */
  encode(
    hub: ChatCompletionRequest,
    model: string,
    provider: Provider,
    req: HubRequest,
  ): Translated<unknown>;
  /** A whole answer into the hub's terms (`created`: arrival on the engine's clock, in seconds). */
  decode(value: unknown, model: string, created: number): ChatCompletion | undefined;
  /** The stream relay's upstream half: this format's events into hub chunks. */
  stream(model: string, includeUsage: boolean, created: number): ToOpenAi;
  /** An error the provider sent with HTTP 200 in place of an answer. */
  answeredError(value: unknown): StreamError | undefined;
  /** The embeddings codec, or why this format has none. */
  embeddings(
    req: ProxyRequestOf<'embeddings'>,
    provider: Provider,
  ): Codec | { unsupported: string };
  /** The legacy completions codec, or why this format has none. */
  completions(provider: Provider): Codec | { unsupported: string };
}

/** One wire format's adapter: a side for each role it plays, `null` for a role it cannot. */
export type Adapter<F extends ProxyFormat> = {
  format: F;
  caller: F extends CallerFormat ? CallerSide : null;
  target: F extends WireFormat ? TargetSide : null;
};

export type AdapterRegistry = { readonly [F in ProxyFormat]: Adapter<F> };
