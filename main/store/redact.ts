/**
 * Shapes of provider keys and tokens that must never reach the body log, even when a person pastes
 * one into a prompt: vendor prefixes first, then bearer headers and long opaque tokens.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-(?:ant-|proj-|or-v1-)?[A-Za-z0-9_-]{16,}/g,
  /\b(?:gsk|xai|csk|fw|pplx|ghp|gho|ghs|ghu|github_pat|hf|nvapi|r8)_[A-Za-z0-9_]{16,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\bsy-[A-Za-z0-9_-]{20,}/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{16,}/gi,
];

/** A long opaque run; redacted when it mixes letters and digits, as generated keys do. */
const OPAQUE_RUN = /[A-Za-z0-9_-]{32,}/g;

export const REDACTED = '[redacted]';

/** Replaces key-shaped strings, and any of the `known` secrets verbatim, with [redacted]. */
export function redactSecrets(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.replace(OPAQUE_RUN, (run) =>
    /\d/.test(run) && /[A-Za-z]/.test(run) ? REDACTED : run,
  );
}
