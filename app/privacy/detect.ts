/**
 * Does a prompt hold secrets or personal data? Detection is by shape: API keys of the major
 * providers, private key blocks, `.env` lines that assign a secret-named variable, e-mail
 * addresses and phone numbers written the way people write them. It errs towards saying
 * nothing: a false "sensitive" reroutes a request, so phone numbers need separators or a "+".
 *
 * Prompts can be megabytes, and the text is the caller's: every pattern runs in linear time.
 * Quantifiers are bounded or end the pattern (so a failed match never re-scans a long run), and
 * e-mail addresses are found from each "@" outwards over a bounded stretch rather than by a
 * regex that would try every start position. Matched text is never returned.
 */

/** The kinds of sensitive content {@link detectSensitive} reports. */
export type SensitiveKind =
  | 'openai-key'
  | 'anthropic-key'
  | 'groq-key'
  | 'google-api-key'
  | 'github-token'
  | 'xai-key'
  | 'aws-access-key'
  | 'bearer-token'
  | 'private-key'
  | 'env-secret'
  | 'email'
  | 'phone';

/** What {@link detectSensitive} found. */
export interface SensitiveFinding {
  sensitive: boolean;
  /** Each kind found, once, in a fixed order. Never the matched text. */
  kinds: SensitiveKind[];
}

interface KeyShape {
  kind: SensitiveKind;
  pattern: RegExp;
  /** A further check on the match, for shapes that ordinary words could take. */
  accept?: (match: string) => boolean;
}

const DIGIT = /\d/;
const LETTER = /[A-Za-z]/;

/** Real keys are random: they hold digits and letters. "sk-this-is-a-slug" is not a key. */
function randomLooking(match: string): boolean {
  return DIGIT.test(match) && LETTER.test(match.slice(3));
}

// Each starts at a token boundary; the final unbounded class ends the pattern, so a run that is
// too short fails after at most its lower bound and a long one matches in one pass.
const KEY_SHAPES: readonly KeyShape[] = [
  { kind: 'anthropic-key', pattern: /(?<![\w-])sk-ant-[\w-]{20,}/g, accept: randomLooking },
  { kind: 'openai-key', pattern: /(?<![\w-])sk-(?!ant-)[\w-]{20,}/g, accept: randomLooking },
  { kind: 'groq-key', pattern: /(?<![\w-])gsk_[A-Za-z0-9]{20,}/g },
  { kind: 'google-api-key', pattern: /(?<![\w-])AIza[\w-]{35}(?![\w-])/g },
  {
    kind: 'github-token',
    pattern: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{40,})/g,
  },
  { kind: 'xai-key', pattern: /(?<![\w-])xai-[A-Za-z0-9]{20,}/g, accept: randomLooking },
  { kind: 'aws-access-key', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  {
    kind: 'bearer-token',
    pattern: /\bBearer[ \t]{1,8}[\w.~+/-]{20,}=*/g,
    accept: (match) => DIGIT.test(match),
  },
];

const PRIVATE_KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const PRIVATE_KEY_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;

/** `NAME=value` at the start of a line (optionally `export NAME=`), value of 8+ visible chars. */
const ENV_LINE =
  /^([ \t]{0,8}(?:export[ \t]{1,4})?([A-Z][A-Z0-9_]{1,63})[ \t]{0,4}=[ \t]{0,4}["']?)([^\s"'`]{8,})/gm;
const SECRET_NAME =
  /(?:^|_)(?:APIKEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PWD|CREDENTIALS?|AUTH|PRIVATE|DSN)(?:_|$)/;
const PLACEHOLDER =
  /^(?:x{3,}.*|\*{3,}.*|<[^>]*>|\$\{[^}]*\}|\$[A-Z_]+|\.{3,}|changeme|change_me|placeholder|your[-_].*|example.*|todo|none|null|undefined|true|false|\d+)$/i;

function isSecretAssignment(name: string, value: string): boolean {
  return SECRET_NAME.test(name) && !PLACEHOLDER.test(value);
}

/**
 * `name=value` or `name: value` anywhere on a line (a command, a query string, JSON, YAML) whose
 * name ends in a secret word: `password=`, `PGPASSWORD=`, `DB_PASS=`, `"client_secret": …`.
 * Name and value are bounded, so each start position costs a bounded scan.
 */
const INLINE_ASSIGNMENT =
  /(?<![\w.-])([A-Za-z][\w.-]{0,63})(["']?[ \t]{0,4}[=:][ \t]{0,4}["']?)([^\s"'`&;,<>(){}[\]]{6,256})/g;
const SECRET_SUFFIX =
  /(?:pass(?:word|wd)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)$/i;

/** The value must hold a digit or a symbol: `password: string` in code is no secret. */
function isInlineSecret(name: string, value: string): boolean {
  return SECRET_SUFFIX.test(name) && /[^A-Za-z]/.test(value) && !PLACEHOLDER.test(value);
}

const LOCAL_PART_MAX = 64;
const DOMAIN_MAX = 253;
/** A domain of dot-separated labels ending in a letters-only TLD, anchored where it is tried. */
const DOMAIN =
  /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9-])/;

function isLocalPartChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 46 || // .
    code === 95 || // _
    code === 37 || // %
    code === 43 || // +
    code === 45 // -
  );
}

function hasEmail(text: string): boolean {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (
      start > 0 &&
      at - start < LOCAL_PART_MAX &&
      isLocalPartChar(text.charCodeAt(start - 1))
    ) {
      start--;
    }
    if (start === at || text.charCodeAt(start) === 46) continue;
    if (DOMAIN.test(text.slice(at + 1, at + 1 + DOMAIN_MAX + 1))) return true;
  }
  return false;
}

/** "+" and a country code, then 10 to 15 digits in all, separated as people write them. */
const INTERNATIONAL_PHONE = /(?<![\w+])\+[1-9][\d ().-]{7,20}\d(?![\w])/g;
/** North American style with separators: (555) 123-4567, 555-123-4567, 555.123.4567. */
const NANP_PHONE = /(?<![\w-])(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])/g;

function digitCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) n++;
  }
  return n;
}

function hasPhone(text: string): boolean {
  for (const match of text.matchAll(INTERNATIONAL_PHONE)) {
    const digits = digitCount(match[0]);
    if (digits >= 10 && digits <= 15) return true;
  }
  NANP_PHONE.lastIndex = 0;
  return NANP_PHONE.test(text);
}

function anyMatch(pattern: RegExp, text: string, accept?: (match: string) => boolean): boolean {
  for (const match of text.matchAll(pattern)) {
    if (accept === undefined || accept(match[0])) return true;
  }
  return false;
}

function hasEnvSecret(text: string): boolean {
  for (const match of text.matchAll(ENV_LINE)) {
    if (isSecretAssignment(match[2] as string, match[3] as string)) return true;
  }
  for (const match of text.matchAll(INLINE_ASSIGNMENT)) {
    if (isInlineSecret(match[1] as string, match[3] as string)) return true;
  }
  return false;
}

/**
 * Whether the text looks like it holds secrets or personal data, and which kinds. Linear in the
 * length of the text; the matched text is never returned.
 */
export function detectSensitive(text: string): SensitiveFinding {
  const kinds: SensitiveKind[] = [];
  for (const shape of KEY_SHAPES) {
    if (anyMatch(shape.pattern, text, shape.accept)) kinds.push(shape.kind);
  }
  if (anyMatch(PRIVATE_KEY_BEGIN, text)) kinds.push('private-key');
  if (hasEnvSecret(text)) kinds.push('env-secret');
  if (hasEmail(text)) kinds.push('email');
  if (hasPhone(text)) kinds.push('phone');
  return { sensitive: kinds.length > 0, kinds };
}

/** What {@link redactSecrets} puts in place of a secret. */
export const REDACTED = '[redacted]';

/** Replaces each private key block, BEGIN to END (or to the end of a text cut short). */
function redactPrivateKeys(text: string): string {
  PRIVATE_KEY_BEGIN.lastIndex = 0;
  if (!PRIVATE_KEY_BEGIN.test(text)) return text;
  let out = '';
  let from = 0;
  PRIVATE_KEY_BEGIN.lastIndex = 0;
  for (;;) {
    PRIVATE_KEY_BEGIN.lastIndex = from;
    const begin = PRIVATE_KEY_BEGIN.exec(text);
    if (begin === null) break;
    out += text.slice(from, begin.index) + REDACTED;
    PRIVATE_KEY_END.lastIndex = begin.index + begin[0].length;
    const end = PRIVATE_KEY_END.exec(text);
    from = end === null ? text.length : end.index + end[0].length;
  }
  return out + text.slice(from);
}

/**
 * The text with key-shaped strings replaced by "[redacted]": provider API keys, bearer tokens,
 * private key blocks and the values of secret-named assignments, in `.env` lines or inline (the
 * name is kept, so a log still says which variable it was). E-mail addresses and phone numbers are left alone.
 */
export function redactSecrets(text: string): string {
  let out = redactPrivateKeys(text);
  for (const shape of KEY_SHAPES) {
    out = out.replace(shape.pattern, (match) =>
      shape.accept === undefined || shape.accept(match) ? REDACTED : match,
    );
  }
  out = out.replace(ENV_LINE, (whole, prefix: string, name: string, value: string) =>
    isSecretAssignment(name, value) ? prefix + REDACTED : whole,
  );
  return out.replace(INLINE_ASSIGNMENT, (whole, name: string, separator: string, value: string) =>
    isInlineSecret(name, value) ? name + separator + REDACTED : whole,
  );
}
