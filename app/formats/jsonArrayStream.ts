/**
 * A JSON array read as it streams in (Gemini's `streamGenerateContent` without `alt=sse`): its
 * object elements are cut out whole, each with the exact text that came before it, so a relay can
 * forward the upstream's bytes as received, an element at a time, and look into each one.
 */

/** One element: `raw` is the text from the end of the previous element through this one's `}`. */
export type ArrayElement = { raw: string; json: string };

export type ArrayStep = {
  elements: ArrayElement[];
  /** The text was not a JSON array of objects. */
  malformed?: true;
};

const SPACE = /[ \t\r\n]*/y;

export class JsonArraySplitter {
  /** Text not yet handed out: what follows the last whole element. */
  private held = '';
  /** How far `held` has been read. */
  private at = 0;
  /** Where in `held` the element being read begins (its `{`), or -1 between elements. */
  private start = -1;
  private depth = 0;
  private inString = false;
  private phase: 'before' | 'first' | 'next' | 'after' | 'closed' = 'before';

  /** Characters held back: an element not yet whole, and what precedes it. */
  get heldLength(): number {
    return this.held.length;
  }

  /** Whether the array's closing `]` has come. */
  get closed(): boolean {
    return this.phase === 'closed';
  }

  /** The text after the last element: once `closed`, the closing `]` as it came. */
  get rest(): string {
    return this.held;
  }

  push(text: string): ArrayStep {
    this.held += text;
    const elements: ArrayElement[] = [];
    let cut = 0;
    for (;;) {
      if (this.start >= 0) {
        if (!this.readElement()) break;
        const end = this.at;
        elements.push({ raw: this.held.slice(cut, end), json: this.held.slice(this.start, end) });
        cut = end;
        this.start = -1;
        this.phase = 'after';
        continue;
      }
      SPACE.lastIndex = this.at;
      SPACE.test(this.held);
      this.at = SPACE.lastIndex;
      if (this.at >= this.held.length) break;
      const c = this.held[this.at];
      if (this.phase === 'closed') return { elements, malformed: true };
      if (this.phase === 'before') {
        if (c !== '[') return { elements, malformed: true };
        this.phase = 'first';
      } else if (c === ']' && this.phase !== 'next') {
        this.phase = 'closed';
      } else if (c === ',' && this.phase === 'after') {
        this.phase = 'next';
      } else if (c === '{' && this.phase !== 'after') {
        this.start = this.at;
        this.depth = 0;
        continue;
      } else {
        return { elements, malformed: true };
      }
      this.at++;
    }
    this.held = this.held.slice(cut);
    this.at -= cut;
    if (this.start >= 0) this.start -= cut;
    return { elements };
  }

  /**
   * Reads on through the element at `start`; true once its closing `}` has been read. Strings
   * are skipped with `indexOf` (most of an element is strings); a regular expression per quote or
   * brace costs several times more.
   */
  private readElement(): boolean {
    const text = this.held;
    const n = text.length;
    let depth = this.depth;
    let i = this.at;
    while (i < n) {
      if (this.inString) {
        const close = closingQuote(text, i);
        if (close === -1) {
          this.at = n;
          this.depth = depth;
          return false;
        }
        this.inString = false;
        i = close + 1;
        continue;
      }
      const c = text.charCodeAt(i++);
      if (c === 34 /* " */) this.inString = true;
      else if (c === 123 /* { */ || c === 91 /* [ */) depth++;
      else if ((c === 125 /* } */ || c === 93) /* ] */ && --depth === 0) {
        this.at = i;
        this.depth = 0;
        return true;
      }
    }
    this.at = i;
    this.depth = depth;
    return false;
  }
}

/**
 * The quote that closes a string, searching from `from` (inside it), or -1 when the text ends
 * first. A quote after an odd run of backslashes is escaped; the run is counted back through text
 * that may have come in an earlier read, which `held` still has.
 */
function closingQuote(text: string, from: number): number {
  for (let q = text.indexOf('"', from); q !== -1; q = text.indexOf('"', q + 1)) {
    let slashes = 0;
    while (text.charCodeAt(q - 1 - slashes) === 92 /* \\ */) slashes++;
    if (slashes % 2 === 0) return q;
  }
  return -1;
}
