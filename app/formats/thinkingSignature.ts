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
 * - to an Anthropic target: the same rule, with the original Anthropic signature restored.
 *
 * Thinking an Anthropic-format target writes is signed the same way on its way to the caller
 * (`signature`, and the `data` of redacted thinking), so a chain that moves between Claude
 * models never replays one model's signature to another. Signatures not made here (a history
 * from before Switchyard) pass untouched.
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

/** Whether a message holds thinking signed here (a walk over its blocks, nothing copied). */
function hasSignedHere(message: unknown): boolean {
  const content = (message as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return false;
  return content.some((block: unknown) => {
    if (typeof block !== 'object' || block === null) return false;
    const { signature, data } = block as { signature?: unknown; data?: unknown };
    return readSignature(signature) !== null || readSignature(data) !== null;
  });
}

/** Signed-here thinking in a history, as it goes to `target`: its own back as it was, or gone. */
type Verdict = { keep: false } | { keep: true; block: unknown };

/**
 * What becomes of one content block for an Anthropic target. Thinking signed here goes back
 * with its original signature (redacted thinking with its original `data`) when `target`
 * wrote it, and is dropped otherwise; thinking with any other signature passes untouched.
 */
function forAnthropicTarget(block: unknown, target: string): Verdict {
  if (typeof block !== 'object' || block === null) return { keep: true, block };
  const record = block as Record<string, unknown>;
  const field =
    record.type === 'thinking' ? 'signature' : record.type === 'redacted_thinking' ? 'data' : null;
  if (field === null) return { keep: true, block };
  const signed = readSignature(record[field]);
  if (signed === null) return { keep: true, block };
  if (signed.producer !== target || signed.payload === '') return { keep: false };
  return { keep: true, block: { ...record, [field]: signed.payload } };
}

/**
 * A Messages body for the Anthropic-format target `target` (`provider/model`): thinking it
 * signed itself goes back with its own signature, thinking any other model wrote is dropped
 * (a real API answers 400 to a foreign signature). The body is returned as it is when it holds
 * no thinking signed here (the common case for a first request).
 */
export function thinkingForAnthropicTarget(
  body: Record<string, unknown>,
  target: string,
): Record<string, unknown> {
  const messages = body.messages;
  if (!Array.isArray(messages) || !messages.some(hasSignedHere)) return body;
  return {
    ...body,
    messages: messages.map((m: unknown) => {
      if (typeof m !== 'object' || m === null) return m;
      const content = (m as { content?: unknown }).content;
      if (!Array.isArray(content)) return m;
      const kept: unknown[] = [];
      for (const block of content) {
        const verdict = forAnthropicTarget(block, target);
        if (verdict.keep) kept.push(verdict.block);
      }
      // Anthropic refuses an empty assistant turn; a turn that was only thinking says so.
      return {
        ...m,
        content: kept.length > 0 ? kept : [{ type: 'text', text: '(thinking omitted)' }],
      };
    }),
  };
}

/**
 * Signs the thinking of an Anthropic target's answer with its producer: `signature` of thinking
 * blocks and `data` of redacted thinking. Used on whole messages and on stream events
 * (`content_block_start`, `signature_delta`); returns null when there is nothing to sign.
 */
export function signAnthropicThinking(value: unknown, producer: string): unknown {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const sign = (raw: unknown) =>
    typeof raw === 'string' && raw !== '' ? signThinking(producer, raw) : raw;
  if (record.type === 'thinking' && typeof record.signature === 'string' && record.signature !== '')
    return { ...record, signature: sign(record.signature) };
  if (record.type === 'redacted_thinking') return { ...record, data: sign(record.data) };
  if (record.type === 'signature_delta') return { ...record, signature: sign(record.signature) };
  if (record.type === 'content_block_start' || record.type === 'content_block_delta') {
    const key = record.type === 'content_block_start' ? 'content_block' : 'delta';
    const inner = signAnthropicThinking(record[key], producer);
    return inner === null ? null : { ...record, [key]: inner };
  }
  if (record.type === 'message' && Array.isArray(record.content)) {
    let changed = false;
    const content = record.content.map((block: unknown) => {
      const signed = signAnthropicThinking(block, producer);
      if (signed === null) return block;
      changed = true;
      return signed;
    });
    return changed ? { ...record, content } : null;
  }
  return null;
}
