/**
 * Values shared by the translators: the result of a request translation, the error a stream
 * translator hands back instead of throwing, and small helpers for data: URLs.
 */

/**
 * Why a request cannot be sent to a target. `type` uses the vocabulary OpenAI and Anthropic share
 * (`invalid_request_error`), so the server can answer in the caller's own format.
 */
export type TranslationError = {
  status: number;
  type: string;
  message: string;
  param?: string;
};

/** A translated request, or why there is none. Translators return this rather than throwing. */
export type Translated<T> = { ok: true; value: T } | { ok: false; error: TranslationError };

/**
 * A failure inside a stream (an upstream `error` event, a malformed chunk, a stream cut short).
 * `type`/`code` follow OpenAI's error vocabulary; `truncated` marks an upstream that ended
 * without its end-of-stream marker, which must never be passed on as a normal end.
 */
export type StreamError = {
  kind: 'error';
  status: number;
  type: string;
  message: string;
  code: string | null;
  truncated?: true;
};

/** Shorthand for the 400 the caller gets when its request cannot be translated. */
export function invalidRequest(message: string, param?: string): Translated<never> {
  const error: TranslationError = { status: 400, type: 'invalid_request_error', message };
  if (param !== undefined) error.param = param;
  return { ok: false, error };
}

/** The stream error for an upstream that stopped before saying it was done. */
export function truncatedStream(upstream: string): StreamError {
  return {
    kind: 'error',
    status: 502,
    type: 'server_error',
    message: `The ${upstream} stream ended before it was complete.`,
    code: 'stream_truncated',
    truncated: true,
  };
}

/** The stream error for an upstream chunk that is not the JSON it should be. */
export function malformedStream(upstream: string): StreamError {
  return {
    kind: 'error',
    status: 502,
    type: 'server_error',
    message: `The ${upstream} stream sent a malformed event.`,
    code: 'malformed_stream',
  };
}

/**
 * Reads a finish or stop reason from one format into another: `table` names the reasons that do
 * not mean a plain end (a `null` entry: no reason after all), any other reason is `otherwise`,
 * and no reason is `null`.
 */
export function mapReason<T>(
  table: Readonly<Record<string, T | null>>,
  otherwise: T,
  reason: string | null | undefined,
): T | null {
  if (reason === null || reason === undefined) return null;
  return Object.hasOwn(table, reason) ? (table[reason] ?? null) : otherwise;
}

/** A base64 `data:` URL split into its media type and payload. */
export type DataUrl = { mediaType: string; data: string };

/** Splits `data:<type>;base64,<data>`; null for anything else (http URLs, non-base64 data). */
export function parseDataUrl(url: string): DataUrl | null {
  if (!url.startsWith('data:')) return null;
  const comma = url.indexOf(',');
  if (comma < 0) return null;
  const header = url.slice(5, comma);
  if (!header.endsWith(';base64')) return null;
  const mediaType = header.slice(0, header.indexOf(';')) || 'application/octet-stream';
  return { mediaType, data: url.slice(comma + 1) };
}

/** Parses JSON text that must hold an object (tool arguments). Empty text counts as `{}`. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
