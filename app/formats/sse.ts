/**
 * Server-sent events, incrementally, as the WHATWG HTML standard describes them
 * (html.spec.whatwg.org/multipage/server-sent-events.html, "Event stream interpretation").
 * Text goes in already decoded (a streaming TextDecoder does UTF-8 and keeps split characters).
 */

/**
 * One dispatched event. `event` is absent when the stream named none (the spec's default type
 * `message`); `id` is the last event ID seen so far, which the spec keeps across events; `retry`
 * is set on the event whose block carried a valid `retry:` field.
 */
export type SseEvent = { event?: string; data: string; id?: string; retry?: number };

/** One event block as it came (up to and including its blank line) and the event it dispatches. */
export type SseBlock = { raw: string; event: SseEvent | null };

/**
 * A run of plain blocks (`SseParser.blocksOrRun`), the blocks as they came: `lead`, the block the
 * text before began, completed (its held start joined to its end, a few hundred characters), then
 * `run`, the whole blocks after it, a slice of the text they came in. Kept apart because joined
 * they made a new string that the first scan copied whole: the stream's every byte once more,
 * a third of what a relayed stream allocated. Both empty: no block completed.
 */
export type SseRun = { readonly lead: string; readonly run: string };

const NO_RUN: SseRun = { lead: '', run: '' };

/** A CR not followed by an LF, or an LF not after a CR: the text is not CRLF-only. */
const LONE_LINE_END = /\r(?!\n)|(?<!\r)\n/;

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const BOM = 0xfeff;

/**
 * The one SSE reader: it cuts text into whole event blocks (each ending at its blank line,
 * holding back the block still arriving) and reads each block's fields. Feed it decoded text in
 * chunks of any size. Handles LF, CRLF and CR line ends (also a CRLF split across two chunks),
 * one leading BOM (in case the caller's decoder kept it), comments, multi-line `data:`,
 * `event:`, `id:`, `retry:` and fields without a colon.
 *
 * A relay that passes bytes through forwards `raw` block by block, so a cut-off block never
 * reaches a client; one that translates reads `event`. Text without CR, the common case, is cut
 * with `indexOf`; only text with CRs is walked character by character.
 *
 * Comments (`: keep-alive`, which DeepSeek sends while it queues a request) never become events;
 * `comments` counts them (as their block completes), so a caller can tell upstream activity from
 * a first token.
 */
export class SseParser {
  // Cutting: the incomplete block held back, where the scan resumes, and the line state there.
  #held = '';
  #pos = 0;
  #lineStart = true;
  #skipLf = false;
  /** Whether any text came yet: a BOM is skipped only at the very start. */
  #started = false;
  // Reading: a CR that ended the last block may be followed by the LF that completes it.
  #blockSkipLf = false;
  #bom = false;
  #data = '';
  #hasData = false;
  #event: string | undefined = undefined;
  #retry: number | undefined = undefined;
  #lastId: string | undefined = undefined;
  #comments = 0;
  #pendingBlock = false;
  #discarded = false;

  /** How many comment lines have been seen. */
  get comments(): number {
    return this.#comments;
  }

  /** The incomplete block held back. */
  get rest(): string {
    return this.#held;
  }

  /** Feeds a chunk of text; returns the events it completes, in order. */
  push(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    for (const block of this.blocks(text)) if (block.event !== null) events.push(block.event);
    return events;
  }

  /** Feeds a chunk of text; returns the whole blocks it completes, in order, with their events. */
  blocks(text: string): SseBlock[] {
    return this.#blocks(text);
  }

  /**
   * `blocks`, or, when every block the text completes is a lone `data:` line framed as a JSON
   * object (`data: {...}`, the shape of nearly every event a provider streams) and `accept` takes
   * their text (the completed held block and the rest, each asked apart), that text as an
   * `SseRun`: the blocks as they came, read as `blocks` would have read them (such a block changes
   * no field the parser keeps across events). A relay that passes bytes through then forwards a
   * run of ordinary events without an object, a slice or a concatenation per event.
   */
  blocksOrRun(text: string, accept: (run: string) => boolean): SseBlock[] | SseRun {
    this.#start(text);
    return (this.#lfOnly(text) && !this.#bom && this.#plainRun(text, accept)) || this.#blocks(text);
  }

  /** True when the held text and `text` end their lines with LF alone, no CR to skip or cut. */
  #lfOnly(text: string): boolean {
    return !this.#skipLf && text.indexOf('\r') < 0 && this.#held.indexOf('\r') < 0;
  }

  /** Notes the first text, and skips a BOM at its very start. */
  #start(text: string): void {
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === BOM) {
        this.#bom = true;
        this.#pos = 1;
      }
    }
  }

  /**
   * The run of plain blocks `text` completes (CR-free, no BOM), or undefined when they are not
   * all plain or `accept` refuses them; the parser's state changes only for a run. A block held
   * from the text before must end in this text: joining the two whole to scan them is what the
   * run's two parts avoid.
   */
  #plainRun(text: string, accept: (run: string) => boolean): SseRun | undefined {
    const held = this.#held;
    let lead = '';
    let from = 0;
    if (held !== '') {
      // The held block ends at the first blank line: the text's first LF when the held text ends
      // a line, else the text's first LF LF.
      if (held.charCodeAt(held.length - 1) === LF && text.charCodeAt(0) === LF) from = 1;
      else {
        const blank = text.indexOf('\n\n');
        if (blank < 0) return undefined;
        from = blank + 2;
      }
      lead = held + text.slice(0, from);
      if (plainRunEnd(lead, 0) !== lead.length || !accept(lead)) return undefined;
    }
    const last = plainRunEnd(text, from);
    if (last < 0) return undefined;
    const run = text.slice(from, last);
    if (run !== '' && !accept(run)) return undefined;
    this.#holdFrom(text, last);
    this.#held = text.slice(last);
    if (lead === '' && run === '') return NO_RUN;
    this.#blockSkipLf = false;
    return { lead, run };
  }

  /** The whole blocks `text` completes, each cut and read. */
  #blocks(text: string): SseBlock[] {
    this.#start(text);
    const held = this.#held === '' ? text : this.#held + text;
    const lfOnly = this.#lfOnly(text);
    // Google frames its events with CRLF: as cheap to cut and read as LF when every line end is one.
    const crlfOnly = !lfOnly && !this.#skipLf && !LONE_LINE_END.test(held);
    const cuts = lfOnly ? this.#cutLf(held) : crlfOnly ? this.#cutCrlf(held) : this.#cutAny(held);
    if (cuts.length === 0) {
      this.#held = held;
      return [];
    }
    const blocks: SseBlock[] = [];
    let from = 0;
    for (const cut of cuts) {
      const raw = held.slice(from, cut);
      const event = lfOnly ? this.#readLf(raw) : crlfOnly ? this.#readCrlf(raw) : this.#read(raw);
      blocks.push({ raw, event });
      from = cut;
    }
    this.#held = from === 0 ? held : held.slice(from);
    return blocks;
  }

  /** Block ends in text with LF line ends only: a blank line is an LF at a line's start. */
  #cutLf(text: string): number[] {
    const cuts: number[] = [];
    let blockStart = 0;
    let from = this.#pos;
    // The held text may end a line (or be only a BOM) where this text starts with a blank one.
    if (this.#lineStart && from > 0 && text.charCodeAt(from) === LF) {
      cuts.push(from + 1);
      blockStart = from = from + 1;
    }
    for (;;) {
      // A blank line at a block's start is a block of its own (an extra line end).
      if (from === blockStart && text.charCodeAt(from) === LF) {
        cuts.push(from + 1);
        blockStart = from = from + 1;
        continue;
      }
      const end = text.indexOf('\n\n', from > blockStart ? from - 1 : from);
      if (end < 0) break;
      cuts.push(end + 2);
      blockStart = from = end + 2;
    }
    this.#holdFrom(text, blockStart);
    return cuts;
  }

  /** Where the next read resumes: the text after the last cut is held, with how it ends. */
  #holdFrom(text: string, blockStart: number): void {
    const restLength = text.length - blockStart;
    this.#pos = restLength;
    this.#lineStart =
      restLength === 0 ||
      text.charCodeAt(text.length - 1) === LF ||
      (this.#bom && text.length === 1); // only the BOM so far
  }

  /** `#cutLf` for text whose line ends are all CRLF: a blank line is a CRLF at a line's start. */
  #cutCrlf(text: string): number[] {
    const cuts: number[] = [];
    let blockStart = 0;
    let from = this.#pos;
    for (;;) {
      // A blank line at a block's start (or where the held text ended a line) is a block of its own.
      if (
        (from === blockStart || (this.#lineStart && from === this.#pos)) &&
        text.startsWith('\r\n', from)
      ) {
        cuts.push(from + 2);
        blockStart = from = from + 2;
        continue;
      }
      // The held text may end inside the blank line's CRLF CRLF: look back over it.
      const end = text.indexOf('\r\n\r\n', Math.max(blockStart, from - 3));
      if (end < 0) break;
      cuts.push(end + 4);
      blockStart = from = end + 4;
    }
    this.#holdFrom(text, blockStart);
    return cuts;
  }

  /** Block ends in any text, character by character, as the spec reads line ends. */
  #cutAny(text: string): number[] {
    const cuts: number[] = [];
    let i = this.#pos;
    let blockStart = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.#skipLf) {
        this.#skipLf = false;
        if (c === LF) continue;
      }
      if (c !== LF && c !== CR) {
        this.#lineStart = false;
        continue;
      }
      if (c === CR) {
        if (i + 1 === text.length) this.#skipLf = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      if (this.#lineStart) {
        cuts.push(i + 1);
        blockStart = i + 1;
      }
      this.#lineStart = true;
    }
    this.#pos = text.length - blockStart;
    return cuts;
  }

  /**
   * `#read` for a block without CRs, the usual one: its lines found with `indexOf`, and the shapes
   * providers send (`data:` alone, or after `event:`) read without a pass over each line.
   */
  #readLf(raw: string): SseEvent | null {
    let start = 0;
    if (this.#bom) {
      this.#bom = false;
      start = 1;
    }
    this.#blockSkipLf = false;
    const end = raw.length - 2; // the LF of the last line; the blank line's LF follows it
    let at = start;
    let name: string | undefined;
    if (raw.startsWith('event:', at)) {
      const lf = raw.indexOf('\n', at);
      name = raw.slice(raw.charCodeAt(at + 6) === 32 ? at + 7 : at + 6, lf);
      at = lf + 1;
    }
    if (at < end && raw.startsWith('data:', at) && raw.indexOf('\n', at) === end) {
      const event: SseEvent = {
        data: raw.slice(raw.charCodeAt(at + 5) === 32 ? at + 6 : at + 5, end),
      };
      if (name !== undefined && name !== '') event.event = name;
      if (this.#lastId !== undefined) event.id = this.#lastId;
      return event;
    }
    if (name !== undefined) this.#processLine(raw.slice(start, at - 1));
    let event: SseEvent | null = null;
    for (let lf = raw.indexOf('\n', at); lf >= 0; at = lf + 1, lf = raw.indexOf('\n', at)) {
      if (lf === at) event = this.#dispatch() ?? event;
      else this.#processLine(raw.slice(at, lf));
    }
    return event;
  }

  /** `#readLf`'s lone `data:` line for a CRLF block; any other block is read by `#read`. */
  #readCrlf(raw: string): SseEvent | null {
    const start = this.#bom ? 1 : 0;
    const end = raw.length - 4; // the CR of the data line; the blank line's CRLF follows it
    if (end <= start || !raw.startsWith('data:', start) || raw.indexOf('\r', start) !== end)
      return this.#read(raw);
    this.#bom = false;
    this.#blockSkipLf = false;
    const event: SseEvent = {
      data: raw.slice(raw.charCodeAt(start + 5) === 32 ? start + 6 : start + 5, end),
    };
    if (this.#lastId !== undefined) event.id = this.#lastId;
    return event;
  }

  /** The event a whole block dispatches (null: none, e.g. comments or a block without data). */
  #read(raw: string): SseEvent | null {
    let start = 0;
    if (this.#bom) {
      this.#bom = false;
      start = 1;
    }
    if (this.#blockSkipLf) {
      this.#blockSkipLf = false;
      if (raw.charCodeAt(start) === LF) start++;
    }
    let event: SseEvent | null = null;
    this.#lines(raw, start, (line) => {
      if (line === '') event = this.#dispatch() ?? event;
      else this.#processLine(line);
    });
    if (raw.charCodeAt(raw.length - 1) === CR) this.#blockSkipLf = true;
    return event;
  }

  /** Calls `each` with every whole line of `text` from `start`; returns where the last one ended. */
  #lines(text: string, start: number, each: (line: string) => void): number {
    let lineStart = start;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) continue;
      each(text.slice(lineStart, i));
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      lineStart = i + 1;
    }
    return lineStart;
  }

  /**
   * Ends the stream. The spec discards an event that was not closed by a blank line ("If the
   * file ends in the middle of an event, before the final empty line, the incomplete event is
   * not dispatched"), so this returns no events and drops pending input; `discardedAtEnd` tells
   * whether something was cut off. (A stream whose last event is cut off never delivers its end
   * marker, so the stream translators report it as truncated.)
   */
  end(): SseEvent[] {
    const rest = this.#held;
    let start = 0;
    if (this.#bom) start = 1;
    if (this.#blockSkipLf && rest.charCodeAt(start) === LF) start++;
    const partial = this.#lines(rest, start, (line) => {
      if (line !== '') this.#processLine(line);
    });
    this.#discarded = this.#pendingBlock || partial < rest.length;
    this.#held = '';
    this.#pos = 0;
    this.#lineStart = true;
    this.#skipLf = false;
    this.#blockSkipLf = false;
    this.#bom = false;
    this.#resetBlock();
    return [];
  }

  /** Whether the last `end()` dropped an unterminated event or line. */
  get discardedAtEnd(): boolean {
    return this.#discarded;
  }

  #processLine(line: string): void {
    if (line.charCodeAt(0) === COLON) {
      this.#comments++;
      return;
    }
    this.#pendingBlock = true;
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.#data = this.#hasData ? this.#data + '\n' + value : value;
        this.#hasData = true;
        break;
      case 'event':
        this.#event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.#retry = Number(value);
        break;
      default:
        break;
    }
  }

  #dispatch(): SseEvent | null {
    if (!this.#hasData) {
      this.#resetBlock();
      return null;
    }
    const event: SseEvent = { data: this.#data };
    if (this.#event !== undefined && this.#event !== '') event.event = this.#event;
    if (this.#lastId !== undefined) event.id = this.#lastId;
    if (this.#retry !== undefined) event.retry = this.#retry;
    this.#resetBlock();
    return event;
  }

  #resetBlock(): void {
    this.#data = '';
    this.#hasData = false;
    this.#event = undefined;
    this.#retry = undefined;
    this.#pendingBlock = false;
  }
}

/**
 * Where the plain blocks at the start of `text` (CR-free) end: blocks that are each one `data:`
 * line holding `{...}` and nothing else, what `#readLf` reads without touching the parser's state.
 * What follows them must be the start of a block, not a whole one; -1 when `text` is not so made.
 * The blocks are cut by the same `indexOf` that checks them, one native scan of the text (a
 * pattern over the run, then a search for the blank lines, took five times as long). `start`:
 * where the first block begins.
 */
function plainRunEnd(text: string, start: number): number {
  let from = start;
  for (;;) {
    const lf = text.indexOf('\n', from);
    if (lf === from) return -1; // a blank line at a block's start: a block of its own
    if (lf < 0 || lf + 1 === text.length) return from;
    // A line of a block of several: fine if that block is still arriving, not if it is whole.
    if (text.charCodeAt(lf + 1) !== LF) return text.indexOf('\n\n', lf) < 0 ? from : -1;
    if (text.charCodeAt(lf - 1) !== CLOSE_BRACE || !text.startsWith('data:', from)) return -1;
    const open = text.charCodeAt(from + 5) === SPACE ? from + 6 : from + 5;
    if (text.charCodeAt(open) !== OPEN_BRACE || open >= lf - 1) return -1;
    from = lf + 2;
  }
}

/** The data of the first block of a run `blocksOrRun` took (a lone `data: {...}` line each). */
export function firstRunData(run: string): string {
  const open = run.charCodeAt(5) === SPACE ? 6 : 5;
  return run.slice(open, run.indexOf('\n'));
}

const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Encodes one event. Data with line breaks becomes several `data:` lines, which a parser joins
 * back with `\n` (so CR and CRLF inside data come back as LF, as the spec's framing implies).
 */
export function encodeSseEvent(e: { event?: string; data: string }): string {
  const head = e.event === undefined ? '' : `event: ${e.event}\n`;
  if (!e.data.includes('\n') && !e.data.includes('\r')) return `${head}data: ${e.data}\n\n`;
  let body = head;
  for (const line of e.data.split(LINE_BREAK)) body += `data: ${line}\n`;
  return body + '\n';
}
