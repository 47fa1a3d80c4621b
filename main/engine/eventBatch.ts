import {
  ADMIN_EVENT_NAMES,
  type AdminEventName,
  type RequestStartedEvent,
} from '../../app/admin/events.ts';

/** A batch's first buffer: a busy proxy's interval (hundreds of finished requests) fits. */
const FIRST_CAPACITY = 64 * 1024;
/** A buffer grown past this by a burst of large events is not kept for the next interval. */
const KEPT_CAPACITY = 1024 * 1024;
/** Room for `id: N\n` with any id a Number counts to exactly. */
const ID_LINE_BYTES = 24;

const HEADS = Object.fromEntries(
  ADMIN_EVENT_NAMES.map((name) => [name, `event: ${name}\ndata: `]),
) as Record<AdminEventName, string>;

/** The frames of one interval, with their ids, as one Buffer; `ends[i]` is where frame i ends. */
export type TakenFrames = { chunk: Buffer; ends: number[] };

/**
 * The events published within one flush interval, kept as the bytes of their frames (without
 * their ids) in one growing Buffer outside V8's heap. Held as an object and a string each, a busy
 * proxy's events outlived the young generation's collections and were copied and promoted: about
 * 1.5 KB per request. A request's start is the exception, kept as it came until the flush, since
 * its finish in the same interval makes it moot. Ids are given at the flush, so they count the
 * frames sent, as before.
 */
export class EventBatch {
  #bytes = Buffer.allocUnsafe(FIRST_CAPACITY);
  #used = 0;
  /** Per event, in order: where its frame ends in #bytes, its start as it came, or null once moot. */
  #events: (number | RequestStartedEvent | null)[] = [];
  /** Where each request started in this batch sits in #events, by request id. */
  readonly #startedAt = new Map<string, number>();

  get size(): number {
    return this.#events.length;
  }

  /** An event already serialised. */
  add(name: AdminEventName, json: string): void {
    const head = HEADS[name];
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    this.#reserve(head.length + json.length * 3 + 2);
    const bytes = this.#bytes;
    let at = this.#used;
    at += bytes.write(head, at, 'latin1');
    at += bytes.write(json, at);
    bytes[at++] = 10;
    bytes[at++] = 10;
    this.#used = at;
    this.#events.push(at);
  }

  /**
   * A `request.finished` event whose list row is a record without bodies and its tried attempts:
   * `{"request":` and the record's JSON with `,"attempts":N` before its closing brace, written
   * as they are rather than joined into one more string first.
   */
  addListRow(recordJson: string, attempts: number): void {
    const head = `${HEADS['request.finished']}{"request":`;
    this.#reserve(head.length + recordJson.length * 3 + 40);
    const bytes = this.#bytes;
    let at = this.#used;
    at += bytes.write(head, at, 'latin1');
    // Over the record's closing brace.
    at += bytes.write(recordJson, at) - 1;
    at += bytes.write(`,"attempts":${attempts}}}\n\n`, at, 'latin1');
    this.#used = at;
    this.#events.push(at);
  }

  addStart(event: RequestStartedEvent): void {
    this.#startedAt.set(event.id, this.#events.length);
    this.#events.push(event);
  }

  /** A request finished: its start, when it is in this batch, is not sent. */
  finish(id: string): void {
    const at = this.#startedAt.get(id);
    if (at === undefined) return;
    this.#events[at] = null;
    this.#startedAt.delete(id);
  }

  /** Frames the batch with ids from `firstId` on and empties it; undefined when nothing is left to send. */
  take(firstId: number): TakenFrames | undefined {
    const events = this.#events;
    const bytes = this.#bytes;
    this.clear();

    let size = 0;
    let from = 0;
    let count = 0;
    let starts: string[] | undefined;
    for (const event of events) {
      if (event === null) continue;
      count++;
      if (typeof event === 'number') {
        size += event - from;
        from = event;
      } else {
        const frame = `${HEADS['request.started']}${JSON.stringify(event)}\n\n`;
        (starts ??= []).push(frame);
        size += Buffer.byteLength(frame);
      }
    }
    if (count === 0) return undefined;

    const chunk = Buffer.allocUnsafe(size + count * ID_LINE_BYTES);
    const ends: number[] = [];
    let at = 0;
    let id = firstId;
    let start = 0;
    from = 0;
    for (const event of events) {
      if (event === null) continue;
      at += chunk.write(`id: ${id++}\n`, at, 'latin1');
      if (typeof event === 'number') {
        at += bytes.copy(chunk, at, from, event);
        from = event;
      } else at += chunk.write(starts![start++]!, at);
      ends.push(at);
    }
    return { chunk: chunk.subarray(0, at), ends };
  }

  /** Drops what the batch holds. */
  clear(): void {
    this.#events = [];
    this.#startedAt.clear();
    this.#used = 0;
    if (this.#bytes.length > KEPT_CAPACITY) this.#bytes = Buffer.allocUnsafe(FIRST_CAPACITY);
  }

  #reserve(bytes: number): void {
    const need = this.#used + bytes;
    if (need <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(need, this.#bytes.length * 2));
    this.#bytes.copy(grown, 0, 0, this.#used);
    this.#bytes = grown;
  }
}
