/** What the engine knows about an inbound request once the server has decoded it at the edge. */

export type InboundFormat = 'openai' | 'anthropic';
export type EndpointKind = 'chat' | 'messages' | 'embeddings' | 'completions';

export type ProxyRequest = {
  id: string;
  kind: EndpointKind;
  inbound: InboundFormat;
  /** The validated body, unknown fields kept (passed through to same-format targets). */
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  /** Characters of prompt text, for token estimates before the provider counts. */
  promptChars: number;
  maxTokens: number | undefined;
  receivedAt: number;
  /** The caller's `anthropic-beta` header: forwarded to Anthropic-format targets only. */
  anthropicBeta?: string;
};

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
