import type { AttemptRecord, RequestRecord } from '../../app/admin/types.ts';
import { triedCount, type AttemptRow, type LogRow, type RequestRow } from './logRows.ts';

/*
 * Finished requests as they wait for, and cross to, the log's writing thread: encoded as each is
 * recorded into a batch of numbers and bytes outside V8's heap, posted by transferring those
 * buffers, and decoded there into the rows the writer binds (logRows.ts), one statement's rows at
 * a time. Held as objects until the batch went (up to 250 ms at a busy proxy) the records outlived
 * the young generation's collections; structured clone then wrote and read every value of every
 * row on both threads. Names that repeat from row to row (kinds, routes, providers, models, keys)
 * go once per batch. The in-process log (tests, requestLog.ts) queues its records the same way.
 */

/** A batch as posted: `numbers` and `ids` are transferred, the two string lists cloned. */
export type LogBatch = {
  rows: number;
  /** Each request's slots, then its attempts', in the order `encode` writes them; NaN is null. */
  numbers: Float64Array<ArrayBuffer>;
  /** The requests' ids in UTF-8, one after the other (each one's byte length is a slot). */
  ids: Uint8Array<ArrayBuffer>;
  /** The batch's distinct names, each once; a slot holds an index, -1 for null. */
  names: string[];
  /** Free text (errors, reasons, bodies) where it occurs; a slot holds an index, -1 for null. */
  texts: string[];
};

/** A request's slots: its row's columns but the id and the attempt count, then its attempts' count and bodies. */
const REQUEST_SLOTS = 27;
const ATTEMPT_SLOTS = 17;
/** The first batch's room, in slots and id bytes; a batch starts as large as the last one grew. */
const FIRST_SLOTS = 16 * 1024;
const FIRST_ID_BYTES = 16 * 1024;

const orNaN = (value: number | null): number => value ?? Number.NaN;
const bit = (value: boolean): 0 | 1 => (value ? 1 : 0);

/** Records finished requests into the next batch to post. */
export class LogBatchEncoder {
  #numbers = new Float64Array(FIRST_SLOTS);
  #slot = 0;
  #ids = Buffer.from(new ArrayBuffer(FIRST_ID_BYTES));
  #idBytes = 0;
  #names: string[] = [];
  #nameIndex = new Map<string, number>();
  #texts: string[] = [];
  #rows = 0;

  /** Requests in the batch so far. */
  get rows(): number {
    return this.#rows;
  }

  add(request: RequestRecord, attempts: readonly AttemptRecord[]): void {
    this.#reserve(REQUEST_SLOTS + attempts.length * ATTEMPT_SLOTS, request.id.length * 3);
    const n = this.#numbers;
    let at = this.#slot;
    const idBytes = this.#ids.write(request.id, this.#idBytes);
    this.#idBytes += idBytes;
    n[at++] = idBytes;
    n[at++] = request.startedAt;
    n[at++] = this.#name(request.kind);
    n[at++] = this.#name(request.inboundFormat);
    n[at++] = this.#name(request.requestedModel);
    n[at++] = this.#name(request.route);
    n[at++] = this.#name(request.provider);
    n[at++] = this.#name(request.keyId);
    n[at++] = this.#name(request.model);
    n[at++] = request.status;
    n[at++] = this.#name(request.failureClass);
    n[at++] = this.#text(request.error);
    n[at++] = orNaN(request.headersMs);
    n[at++] = orNaN(request.firstTokenMs);
    n[at++] = request.totalMs;
    n[at++] = orNaN(request.tokensIn);
    n[at++] = orNaN(request.tokensOut);
    n[at++] = orNaN(request.costUsd);
    n[at++] = bit(request.streamed);
    n[at++] = bit(request.hedged);
    n[at++] = bit(request.clientAborted);
    n[at++] = triedCount(attempts);
    n[at++] = this.#name(request.rule ?? null);
    n[at++] = this.#name(request.affinity ?? null);
    n[at++] = attempts.length;
    n[at++] = this.#text(request.requestBody ?? null);
    n[at++] = this.#text(request.responseBody ?? null);
    for (const a of attempts) {
      n[at++] = a.index;
      n[at++] = a.startedAt;
      n[at++] = this.#name(a.provider);
      n[at++] = this.#name(a.model);
      n[at++] = this.#name(a.keyId);
      n[at++] = a.status;
      n[at++] = this.#name(a.outcome);
      n[at++] = this.#name(a.failureClass);
      n[at++] = this.#text(a.reason);
      n[at++] = orNaN(a.headersMs);
      n[at++] = orNaN(a.firstTokenMs);
      n[at++] = orNaN(a.totalMs);
      n[at++] = orNaN(a.tokensIn);
      n[at++] = orNaN(a.tokensOut);
      n[at++] = orNaN(a.costUsd);
      n[at++] = bit(a.hedged);
      n[at++] = orNaN(a.holdUntil);
    }
    this.#slot = at;
    this.#rows++;
  }

  /** The batch so far, to post (transferring `numbers.buffer` and `ids.buffer`); the next one starts empty. */
  take(): LogBatch {
    const batch: LogBatch = {
      rows: this.#rows,
      numbers: this.#numbers.subarray(0, this.#slot),
      ids: new Uint8Array(this.#ids.buffer, 0, this.#idBytes),
      names: this.#names,
      texts: this.#texts,
    };
    this.#numbers = new Float64Array(this.#numbers.length);
    this.#ids = Buffer.from(new ArrayBuffer(this.#ids.length));
    this.#slot = 0;
    this.#idBytes = 0;
    this.#names = [];
    this.#nameIndex = new Map();
    this.#texts = [];
    this.#rows = 0;
    return batch;
  }

  #name(value: string | null): number {
    if (value === null) return -1;
    let index = this.#nameIndex.get(value);
    if (index === undefined) {
      index = this.#names.push(value) - 1;
      this.#nameIndex.set(value, index);
    }
    return index;
  }

  #text(value: string | null): number {
    return value === null ? -1 : this.#texts.push(value) - 1;
  }

  #reserve(slots: number, idBytes: number): void {
    if (this.#slot + slots > this.#numbers.length) {
      const grown = new Float64Array(Math.max(this.#slot + slots, this.#numbers.length * 2));
      grown.set(this.#numbers.subarray(0, this.#slot));
      this.#numbers = grown;
    }
    if (this.#idBytes + idBytes > this.#ids.length) {
      const grown = Buffer.from(
        new ArrayBuffer(Math.max(this.#idBytes + idBytes, this.#ids.length * 2)),
      );
      this.#ids.copy(grown, 0, 0, this.#idBytes);
      this.#ids = grown;
    }
  }
}

/**
 * The rows of a posted batch, as the writer binds them, decoded one at a time as it asks: only
 * the few rows of its next statement are ever held as objects. Decoded whole, the 500 rows of a
 * busy proxy's batch outlived the writing thread's young generation and were promoted, so its old
 * generation grew by megabytes between full collections.
 */
export class LogBatchReader {
  readonly #numbers: Float64Array;
  readonly #ids: Buffer;
  readonly #names: string[];
  readonly #texts: string[];
  #left: number;
  #at = 0;
  #idAt = 0;

  constructor(batch: LogBatch) {
    this.#numbers = batch.numbers;
    this.#ids = Buffer.from(batch.ids.buffer, batch.ids.byteOffset, batch.ids.byteLength);
    this.#names = batch.names;
    this.#texts = batch.texts;
    this.#left = batch.rows;
  }

  /** Rows not read yet. */
  get left(): number {
    return this.#left;
  }

  /** The next row; only while `left` > 0. */
  next(): LogRow {
    const n = this.#numbers;
    let at = this.#at;
    const idEnd = this.#idAt + n[at]!;
    const request: RequestRow = [
      this.#ids.toString('utf8', this.#idAt, idEnd),
      n[at + 1]!,
      this.#name(n[at + 2]!) as RequestRow[2],
      this.#name(n[at + 3]!) as RequestRow[3],
      this.#name(n[at + 4]!)!,
      this.#name(n[at + 5]!),
      this.#name(n[at + 6]!),
      this.#name(n[at + 7]!),
      this.#name(n[at + 8]!),
      n[at + 9]!,
      this.#name(n[at + 10]!) as RequestRow[10],
      this.#text(n[at + 11]!),
      num(n[at + 12]!),
      num(n[at + 13]!),
      n[at + 14]!,
      num(n[at + 15]!),
      num(n[at + 16]!),
      num(n[at + 17]!),
      n[at + 18]! as 0 | 1,
      n[at + 19]! as 0 | 1,
      n[at + 20]! as 0 | 1,
      n[at + 21]!,
      this.#name(n[at + 22]!),
      this.#name(n[at + 23]!),
    ];
    const attemptCount = n[at + 24]!;
    const requestBody = this.#text(n[at + 25]!);
    const responseBody = this.#text(n[at + 26]!);
    at += REQUEST_SLOTS;
    const attempts: AttemptRow[] = [];
    for (let i = 0; i < attemptCount; i++, at += ATTEMPT_SLOTS)
      attempts.push([
        n[at]!,
        n[at + 1]!,
        this.#name(n[at + 2]!)!,
        this.#name(n[at + 3]!)!,
        this.#name(n[at + 4]!),
        n[at + 5]!,
        this.#name(n[at + 6]!) as AttemptRow[6],
        this.#name(n[at + 7]!) as AttemptRow[7],
        this.#text(n[at + 8]!),
        num(n[at + 9]!),
        num(n[at + 10]!),
        num(n[at + 11]!),
        num(n[at + 12]!),
        num(n[at + 13]!),
        num(n[at + 14]!),
        n[at + 15]! as 0 | 1,
        num(n[at + 16]!),
      ]);
    this.#at = at;
    this.#idAt = idEnd;
    this.#left--;
    return [request, attempts, requestBody, responseBody];
  }

  /** Passes over `count` rows without decoding them (their transaction failed). */
  skip(count: number): void {
    const n = this.#numbers;
    for (let r = 0; r < count && this.#left > 0; r++, this.#left--) {
      this.#idAt += n[this.#at]!;
      this.#at += REQUEST_SLOTS + n[this.#at + 24]! * ATTEMPT_SLOTS;
    }
  }

  #name(slot: number): string | null {
    return slot < 0 ? null : this.#names[slot]!;
  }

  #text(slot: number): string | null {
    return slot < 0 ? null : this.#texts[slot]!;
  }
}

const num = (value: number): number | null => (Number.isNaN(value) ? null : value);
