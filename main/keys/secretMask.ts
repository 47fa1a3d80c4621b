/**
 * The one place the engine hides the secrets it holds (provider keys, the proxy key, the admin
 * token) from everything it sends out: answers to clients, the request log, the admin API, the
 * event stream and its own log.
 *
 * Matching is by meaning, not by spelling. A provider that echoes a key may have written it with
 * JSON escapes (`sk-live\/…`, `\u002d`, every character as `\uXXXX`, escaped twice when JSON sits
 * inside a JSON string) or percent-encoded it; parsing that text gives the key back. So each
 * character of a secret matches in any of those spellings, and the same mask is right for raw
 * JSON text, for SSE text and for already-decoded strings: whatever decodes to the secret is
 * replaced. The replacement, `[key …WXYZ]`, is letters and digits only, so it is safe inside JSON.
 */
import { literals, maySpell, spellingPattern, type Literals } from './secretSpelling.ts';

/** Shorter values would mask ordinary words; no secret the engine holds is this short. */
const MIN_SECRET_LENGTH = 8;

/** The last four letters or digits of a secret, which is how the dashboard names a key too. */
function markFor(secret: string): string {
  return `[key …${secret.replace(/[^A-Za-z0-9]/g, '').slice(-4)}]`;
}

type Compiled = { pattern: RegExp | null; literals: Literals; marks: string[] };

export class SecretMask {
  readonly #secrets: () => Iterable<string>;
  #compiled: Compiled = { pattern: null, literals: literals([]), marks: [] };
  /** The secrets as the sources gave them when the pattern was compiled. */
  #seen: string[] = [];

  /** `secrets` is read on every call, so a key added, replaced or rotated is masked at once. */
  constructor(secrets: () => Iterable<string>) {
    this.#secrets = secrets;
  }

  /** `text` with every spelling of every held secret replaced by its mark. */
  mask(text: string): string {
    const { pattern, literals: held, marks } = this.#current();
    if (pattern === null || text.length < MIN_SECRET_LENGTH || !maySpell(text, held)) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, (...args: unknown[]) => {
      // One capture group per secret: the first one that took part names the secret.
      for (let i = 0; i < marks.length; i++) if (args[i + 1] !== undefined) return marks[i]!;
      return marks[0]!;
    });
  }

  /**
   * Recompiled only when the secrets changed. Called for every chunk a stream writes, so the check
   * allocates nothing: the sources are walked and compared with what was compiled last time.
   */
  #current(): Compiled {
    const seen = this.#seen;
    let count = 0;
    let fresh: string[] | undefined;
    for (const secret of this.#secrets()) {
      if (fresh === undefined && seen[count] !== secret) fresh = seen.slice(0, count);
      fresh?.push(secret);
      count++;
    }
    if (fresh === undefined && count === seen.length) return this.#compiled;
    this.#seen = fresh ?? seen.slice(0, count);
    const secrets = [...new Set(this.#seen)]
      .filter((s) => s.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
    this.#compiled = {
      pattern: secrets.length === 0 ? null : spellingPattern(secrets),
      literals: literals(secrets),
      marks: secrets.map(markFor),
    };
    return this.#compiled;
  }
}
