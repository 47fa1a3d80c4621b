import { SseParser } from '../../app/formats/sse.ts';

/** How a client request ended, judged only from what came back on the wire. */
export type Verdict =
  | { kind: 'answered'; text: string }
  | { kind: 'error-response'; status: number; code: string; message: string }
  | { kind: 'stream-error'; message: string; text: string }
  | { kind: 'unclear'; why: string };

export type Inbound = 'openai' | 'anthropic';

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * An error envelope the caller's SDK turns into a typed error with our message: OpenAI's
 * `{error:{message,type}}` or Anthropic's `{type:'error',error:{type,message}}`. Returns the
 * message and code, or why the body is not one.
 */
export function errorEnvelope(
  inbound: Inbound,
  body: unknown,
): { ok: true; message: string; code: string } | { ok: false; why: string } {
  const record = asRecord(body);
  const error = asRecord(record?.error);
  if (!record || !error) return { ok: false, why: 'no error object' };
  if (typeof error.message !== 'string' || error.message.trim() === '')
    return { ok: false, why: 'error without a message' };
  if (typeof error.type !== 'string') return { ok: false, why: 'error without a type' };
  if (inbound === 'anthropic' && record.type !== 'error')
    return { ok: false, why: 'Anthropic envelope without type "error"' };
  const code = typeof error.code === 'string' ? error.code : error.type;
  return { ok: true, message: error.message, code };
}

/** An internal error or a stack trace is never a clear answer, whatever the envelope. */
function leaksInternals(message: string): boolean {
  return /Switchyard hit an internal error|\n\s+at |TypeError|ReferenceError|Cannot read prop/.test(
    message,
  );
}

function judgeError(inbound: Inbound, status: number, text: string): Verdict {
  const envelope = errorEnvelope(inbound, parseJson(text));
  if (!envelope.ok) return { kind: 'unclear', why: `HTTP ${status}: ${envelope.why}` };
  if (leaksInternals(envelope.message))
    return { kind: 'unclear', why: `HTTP ${status} internal: ${envelope.message.slice(0, 200)}` };
  return { kind: 'error-response', status, code: envelope.code, message: envelope.message };
}

function judgeJson(inbound: Inbound, text: string): Verdict {
  const body = asRecord(parseJson(text));
  if (!body) return { kind: 'unclear', why: 'HTTP 200 with a body that is not a JSON object' };
  if (inbound === 'openai') {
    const choices = body.choices;
    const message = Array.isArray(choices) ? asRecord(asRecord(choices[0])?.message) : undefined;
    if (typeof message?.content !== 'string')
      return { kind: 'unclear', why: 'HTTP 200 without choices[0].message.content' };
    return { kind: 'answered', text: message.content };
  }
  if (body.type !== 'message' || !Array.isArray(body.content))
    return { kind: 'unclear', why: 'HTTP 200 that is not an Anthropic message' };
  const parts = body.content.map((p) => asRecord(p)?.text).filter((t) => typeof t === 'string');
  return { kind: 'answered', text: parts.join('') };
}

function judgeOpenAiStream(text: string): Verdict {
  const events = new SseParser().push(text);
  let out = '';
  let terminal: Verdict | undefined;
  let finished = false;
  for (const event of events) {
    if (terminal) return { kind: 'unclear', why: 'data after the end of the stream' };
    if (event.data === '[DONE]') {
      terminal = { kind: 'answered', text: out };
      continue;
    }
    const data = asRecord(parseJson(event.data));
    if (!data)
      return { kind: 'unclear', why: `stream event is not JSON: ${event.data.slice(0, 80)}` };
    if (data.error !== undefined) {
      const envelope = errorEnvelope('openai', data);
      if (!envelope.ok) return { kind: 'unclear', why: `stream error: ${envelope.why}` };
      terminal = { kind: 'stream-error', message: envelope.message, text: out };
      continue;
    }
    const choices = Array.isArray(data.choices) ? data.choices : [];
    for (const choice of choices) {
      const c = asRecord(choice);
      const content = asRecord(c?.delta)?.content;
      if (typeof content === 'string') out += content;
      if (c?.finish_reason != null) finished = true;
    }
  }
  if (terminal) return terminal;
  // Some OpenAI-compatible servers end after the finish chunk without [DONE]; SDKs accept it.
  if (finished) return { kind: 'answered', text: out };
  return { kind: 'unclear', why: 'stream ended without [DONE], a finish reason or an error' };
}

function judgeAnthropicStream(text: string): Verdict {
  const events = new SseParser().push(text);
  let out = '';
  let terminal: Verdict | undefined;
  for (const event of events) {
    if (terminal) return { kind: 'unclear', why: 'events after the end of the stream' };
    const data = asRecord(parseJson(event.data));
    if (!data)
      return { kind: 'unclear', why: `stream event is not JSON: ${event.data.slice(0, 80)}` };
    if (event.event !== undefined && data.type !== event.event)
      return { kind: 'unclear', why: `event "${event.event}" carries type "${String(data.type)}"` };
    if (data.type === 'error') {
      const envelope = errorEnvelope('anthropic', data);
      if (!envelope.ok) return { kind: 'unclear', why: `stream error: ${envelope.why}` };
      terminal = { kind: 'stream-error', message: envelope.message, text: out };
    } else if (data.type === 'message_stop') {
      terminal = { kind: 'answered', text: out };
    } else if (data.type === 'content_block_delta') {
      const delta = asRecord(data.delta);
      if (typeof delta?.text === 'string') out += delta.text;
    }
  }
  return terminal ?? { kind: 'unclear', why: 'stream ended without message_stop or an error' };
}

/** Judges one complete answer: status, content type and body as the client received them. */
export function judgeAnswer(
  inbound: Inbound,
  status: number,
  contentType: string,
  text: string,
): Verdict {
  if (status !== 200) return judgeError(inbound, status, text);
  if (contentType.startsWith('text/event-stream'))
    return inbound === 'openai' ? judgeOpenAiStream(text) : judgeAnthropicStream(text);
  if (contentType.startsWith('application/json')) return judgeJson(inbound, text);
  return { kind: 'unclear', why: `HTTP 200 with content-type "${contentType}"` };
}
