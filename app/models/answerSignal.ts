/**
 * What one upstream answer says about its model's future: gone ("model not found",
 * "decommissioned") or on its way out (`Deprecation` / `Sunset` headers). Pure: the request
 * recorder feeds it each attempt's status, headers and error text.
 */

/** A model flagged by an answer; `sunsetAt` is the `Sunset` header's date when it gave one. */
export type AnswerSignal = { state: 'missing' | 'deprecated'; reason: string; sunsetAt?: number };

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

// Groq says "model_decommissioned", OpenAI "model_not_found", Mistral "Invalid model", Gemini
// "models/x is not found"; the classifier's own reason for a 404 is "Model not found at …".
const GONE =
  /model[_ ]not[_ ]found|model[_ ]decommissioned|has been decommissioned|no longer (supported|available)|model\b[^.]{0,80}\b(is not found|not found|does not exist|is not available)|invalid model/i;

/** `Sunset` is an HTTP date (RFC 8594); `Deprecation` is `@epoch-seconds` (RFC 9745) or a date. */
function parseHttpDate(value: string): number | undefined {
  const at = value.trim().startsWith('@')
    ? Number(value.trim().slice(1)) * 1000
    : Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/**
 * Reads an attempt's answer: `missing` for a 404/400/410 naming the model as gone, `deprecated`
 * for a `Deprecation` or `Sunset` header on any answer, null when it says nothing of the kind.
 */
export function answerSignal(
  status: number,
  headers: HeaderBag,
  errorText: string | null | undefined,
): AnswerSignal | null {
  if ((status === 404 || status === 400 || status === 410) && errorText && GONE.test(errorText)) {
    return {
      state: 'missing',
      reason: `the provider answered HTTP ${status}: model not found or decommissioned`,
    };
  }
  if (status === 404 && !errorText) {
    return { state: 'missing', reason: 'the provider answered HTTP 404 for the model' };
  }
  const deprecation = header(headers, 'deprecation');
  const sunset = header(headers, 'sunset');
  if (deprecation === undefined && sunset === undefined) return null;
  const sunsetAt = sunset === undefined ? undefined : parseHttpDate(sunset);
  const parts = [
    deprecation !== undefined ? 'a Deprecation header' : undefined,
    sunset !== undefined ? `a Sunset header (${sunset.trim()})` : undefined,
  ].filter((p): p is string => p !== undefined);
  return {
    state: 'deprecated',
    reason: `the provider's answers carry ${parts.join(' and ')}`,
    ...(sunsetAt !== undefined ? { sunsetAt } : {}),
  };
}
