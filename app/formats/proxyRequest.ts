/** What the engine knows about an inbound request once the proxy has decoded it at the edge. */
import type { CountTokensRequest, MessagesRequest } from './anthropic.ts';
import type { GeminiCountTokensRequest, GeminiInboundRequest } from './geminiInbound.ts';
import type { ChatCompletionRequest, CompletionRequest, EmbeddingsRequest } from './openai.ts';
import type { ResponsesRequest } from './responses.ts';

/** The wire formats a caller can speak to the proxy (main/proxy/adapters has one adapter each). */
export type CallerFormat = 'openai' | 'anthropic' | 'responses' | 'gemini';

/** Each endpoint kind with the caller format it belongs to and the body its schema parsed. */
type Endpoints = {
  chat: { inbound: 'openai'; body: ChatCompletionRequest };
  completions: { inbound: 'openai'; body: CompletionRequest };
  embeddings: { inbound: 'openai'; body: EmbeddingsRequest };
  messages: { inbound: 'anthropic'; body: MessagesRequest };
  count_tokens: { inbound: 'anthropic'; body: CountTokensRequest };
  responses: { inbound: 'responses'; body: ResponsesRequest };
  generate: { inbound: 'gemini'; body: GeminiInboundRequest };
  gemini_count_tokens: { inbound: 'gemini'; body: GeminiCountTokensRequest };
};

export type EndpointKind = keyof Endpoints;

type RequestFacts = {
  id: string;
  model: string;
  stream: boolean;
  /** Characters of prompt text, for token estimates before the provider counts. */
  promptChars: number;
  maxTokens: number | undefined;
  receivedAt: number;
  /** The caller's `anthropic-beta` header: forwarded to Anthropic-format targets only. */
  anthropicBeta?: string;
  /** The caller's user agent, for rules' `client` condition. */
  userAgent?: string;
  /** The `x-switchyard-route` header: the route this request must take. */
  forcedRoute?: string;
  /** A session id the caller sent as a header (Codex's `session_id`). */
  sessionHeader?: string;
  /** Responses API with `store`: keeps the finished answer and its conversation. */
  keepResponse?: (response: Record<string, unknown>, conversation: unknown[]) => void;
  /** Gemini's streamGenerateContent without `alt=sse`: the stream is one JSON array, not SSE. */
  jsonArrayStream?: true;
};

/**
 * One proxied request, discriminated by endpoint kind: `body` is the endpoint's validated body
 * (unknown fields kept, passed through to same-format targets).
 */
export type ProxyRequest = {
  [K in EndpointKind]: RequestFacts & { kind: K } & Endpoints[K];
}[EndpointKind];

/** A request the dispatcher relays to a target (token counts are answered at the edge). */
export type RelayedRequest = Exclude<
  ProxyRequest,
  { kind: 'count_tokens' | 'gemini_count_tokens' }
>;

/** The request of one endpoint kind. */
export type ProxyRequestOf<K extends EndpointKind> = Extract<ProxyRequest, { kind: K }>;

/** An inline image counts as this many characters (about 1,000 tokens), not its base64 length. */
const INLINE_IMAGE_CHARS = 4000;

/** Counts the characters of every string in a JSON value: a cheap, format-agnostic prompt size. */
export function countTextChars(value: unknown): number {
  if (typeof value === 'string')
    return value.startsWith('data:') ? INLINE_IMAGE_CHARS : value.length;
  if (Array.isArray(value)) {
    let n = 0;
    for (const item of value) n += countTextChars(item);
    return n;
  }
  if (value !== null && typeof value === 'object') {
    let n = 0;
    for (const key in value) n += countTextChars((value as Record<string, unknown>)[key]);
    return n;
  }
  return 0;
}

/** Every string in a JSON value, joined (inline images left out): the text privacy detection reads. */
export function collectText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (!value.startsWith('data:')) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectText(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const key in value) collectText((value as Record<string, unknown>)[key], out);
  }
  return out;
}

/**
 * A request body's prompt size in characters: messages (or prompt, input, Gemini's contents), the
 * system prompt (Gemini's systemInstruction) and tools.
 */
export function promptCharsOf(body: Record<string, unknown>): number {
  return (
    countTextChars(body.messages ?? body.prompt ?? body.input ?? body.contents) +
    countTextChars(body.system ?? body.systemInstruction) +
    // Tool definitions are prompt too: Claude Code's 22 tools are thousands of tokens.
    countTextChars(body.tools)
  );
}

/**
 * The output a request body asks for: `max_completion_tokens`, `max_tokens`, the Responses API's
 * `max_output_tokens`, or Gemini's `generationConfig.maxOutputTokens`.
 */
export function maxTokensOf(body: Record<string, unknown>): number | undefined {
  const asked =
    body.max_completion_tokens ??
    body.max_tokens ??
    body.max_output_tokens ??
    (body.generationConfig as { maxOutputTokens?: unknown } | undefined)?.maxOutputTokens;
  return typeof asked === 'number' ? asked : undefined;
}
