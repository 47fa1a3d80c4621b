/**
 * Thinking that crosses models. A signed thinking block is only valid for the model that wrote
 * it (Anthropic answers 400 to a foreign signature; Gemini 3 refuses a function call without
 * its own thought signature), so every thinking block Switchyard hands an Anthropic-format
 * caller from a non-Anthropic target is signed with who produced it:
 *
 *   `switchyard-v1:<provider/model, URI-encoded>:<payload>`
 *
 * The payload is the target's own signature, if any (a Gemini `thoughtSignature`, which is
 * base64 and so holds no `:`). When the caller sends the history back:
 * - to the model that produced a block: its text returns as `reasoning_content` (Gemini: a
 *   thought part) and its payload as the thought signature of the tool call that follows;
 * - to any other model: the block is dropped (thinking is the model's own scratchpad, not
 *   conversation, so it is not turned into text);
 * - to an Anthropic target: every block signed here is dropped; Anthropic's own signatures
 *   pass untouched.
 */
const PREFIX = 'switchyard-v1:';

/** The signature for thinking `producer` (`provider/model`) wrote, carrying its own `payload`. */
export function signThinking(producer: string, payload = ''): string {
  return `${PREFIX}${encodeURIComponent(producer)}:${payload}`;
}

/** Who produced a thinking block signed here, and its payload; null for any other signature. */
export function readSignature(signature: unknown): { producer: string; payload: string } | null {
  if (typeof signature !== 'string' || !signature.startsWith(PREFIX)) return null;
  const rest = signature.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0) return null;
  try {
    return { producer: decodeURIComponent(rest.slice(0, colon)), payload: rest.slice(colon + 1) };
  } catch {
    return null;
  }
}

/** Whether a content block is thinking that a non-Anthropic model wrote (signed here). */
function isForeignThinking(block: unknown): boolean {
  if (typeof block !== 'object' || block === null) return false;
  const record = block as Record<string, unknown>;
  return record.type === 'thinking' && readSignature(record.signature) !== null;
}

/**
 * A Messages body for an Anthropic target without the thinking blocks other vendors' models
 * wrote. The body is returned as it is when there are none (the common case).
 */
export function withoutForeignThinking(body: Record<string, unknown>): Record<string, unknown> {
  const messages = body.messages;
  if (!Array.isArray(messages)) return body;
  const hasForeign = messages.some(
    (m: unknown) =>
      typeof m === 'object' &&
      m !== null &&
      Array.isArray((m as { content?: unknown }).content) &&
      (m as { content: unknown[] }).content.some(isForeignThinking),
  );
  if (!hasForeign) return body;
  return {
    ...body,
    messages: messages.map((m: unknown) => {
      if (typeof m !== 'object' || m === null) return m;
      const content = (m as { content?: unknown }).content;
      if (!Array.isArray(content)) return m;
      const kept = content.filter((block: unknown) => !isForeignThinking(block));
      // Anthropic refuses an empty assistant turn; a turn that was only thinking says so.
      return {
        ...m,
        content: kept.length > 0 ? kept : [{ type: 'text', text: '(thinking omitted)' }],
      };
    }),
  };
}
