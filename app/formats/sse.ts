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

const LF = 10;
const CR = 13;

/**
 * Incremental SSE parser. Feed it decoded text in chunks of any size; it returns the events
 * that each chunk completes. Handles LF, CRLF and CR line ends (also a CRLF split across two
 * chunks), one leading BOM (in case the caller's decoder kept it), comments, multi-line
 * `data:`, `event:`, `id:`, `retry:` and fields without a colon.
 *
 * Comments (`: keep-alive`, which DeepSeek sends while it queues a request) never become events;
 * `comments` counts them, so a caller can tell upstream activity from a first token.
 */
export class SseParser {
  #line = '';
  #skipLf = false;
  #started = false;
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

  /** Feeds a chunk of text; returns the events it completes, in order. */
  push(text: string): SseEvent[] {
    let start = 0;
    if (!this.#started && text.length > 0) {
      this.#started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    if (this.#skipLf && start < text.length) {
      this.#skipLf = false;
      if (text.charCodeAt(start) === LF) start++;
    }
    const events: SseEvent[] = [];
    const length = text.length;
    let i = start;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) {
        i++;
        continue;
      }
      const piece = text.slice(start, i);
      const line = this.#line === '' ? piece : this.#line + piece;
      this.#line = '';
      if (c === CR) {
        if (i + 1 < length) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          this.#skipLf = true;
        }
      }
      i++;
      start = i;
      const event = this.#processLine(line);
      if (event !== null) events.push(event);
    }
    if (start < length) this.#line += text.slice(start);
    return events;
  }

  /**
   * Ends the stream. The spec discards an event that was not closed by a blank line ("If the
   * file ends in the middle of an event, before the final empty line, the incomplete event is
   * not dispatched"), so this returns no events and drops pending input; `discardedAtEnd` tells
   * whether something was cut off. (A stream whose last event is cut off never delivers its end
   * marker, so the stream translators report it as truncated.)
   */
  end(): SseEvent[] {
    this.#discarded = this.#pendingBlock || this.#line !== '';
    this.#line = '';
    this.#skipLf = false;
    this.#resetBlock();
    return [];
  }

  /** Whether the last `end()` dropped an unterminated event or line. */
  get discardedAtEnd(): boolean {
    return this.#discarded;
  }

  #processLine(line: string): SseEvent | null {
    if (line === '') return this.#dispatch();
    if (line.charCodeAt(0) === 58 /* ':' */) {
      this.#comments++;
      return null;
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
    return null;
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
