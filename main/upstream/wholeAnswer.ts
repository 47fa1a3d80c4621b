/**
 * A non-streamed upstream answer read straight from undici's dispatch handler: its chunks are
 * gathered as they arrive, with no body stream between (undici's `request` wraps each answer in a
 * Readable: its state, listeners and nextTicks per answer, read here once to the end anyway).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { HookedAbortController } from './hookedAbort.ts';
import { undiciErrors } from './undiciParts.ts';

/** An answer at its headers, its body still arriving. */
export type WholeResponse = {
  status: number;
  headers: IncomingHttpHeaders;
  /**
   * The whole body as text: rejects with what broke it (as reading a body stream would), or
   * with `tooLarge` once it passes the limit its status was given.
   */
  text: Promise<string>;
};

type Settle<T> = { resolve: (value: T) => void; reject: (reason: unknown) => void };

const noop = () => undefined;

/** The dispatch handler: resolves `head` at the response's headers, then its `text`. */
export class WholeAnswer implements Dispatcher.DispatchHandler {
  readonly head: Promise<WholeResponse>;
  readonly #headSettle: Settle<WholeResponse>;
  #textSettle: Settle<string> | undefined;
  readonly #cancel: HookedAbortController;
  readonly #limitFor: (status: number) => number;
  readonly #tooLarge: (limit: number) => Error;
  readonly #failure: (error: unknown, signal: AbortSignal) => Error;
  #controller: Dispatcher.DispatchController | undefined;
  /** Made with the first chunk: a push onto an empty array reserves room for 17, most answers are one. */
  #chunks: Buffer[] | undefined;
  #size = 0;
  #limit = 0;

  constructor(
    cancel: HookedAbortController,
    limitFor: (status: number) => number,
    tooLarge: (limit: number) => Error,
    /**
     * What `head` rejects with for what broke the request before its headers (given the
     * request's signal): mapped here, so the caller awaits `head` itself, not a promise
     * chained on it only to map the error (one promise and one microtask turn per request).
     */
    failure: (error: unknown, signal: AbortSignal) => Error,
  ) {
    this.#cancel = cancel;
    this.#limitFor = limitFor;
    this.#tooLarge = tooLarge;
    this.#failure = failure;
    let settle: Settle<WholeResponse> | undefined;
    this.head = new Promise((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.#headSettle = settle as Settle<WholeResponse>;
    cancel.onAbort(this.#onAbort);
  }

  readonly #onAbort = () => {
    this.#controller?.abort(this.#cancel.signal.reason ?? new undiciErrors.RequestAbortedError());
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#cancel.signal.aborted) this.#onAbort();
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
  ): void {
    // 1xx answers (100 Continue) come before the real one.
    if (status < 200) return;
    this.#limit = this.#limitFor(status);
    const text = new Promise<string>((resolve, reject) => {
      this.#textSettle = { resolve, reject };
    });
    // Awaited by whoever reads the answer; marked handled so a failure between the headers and
    // that read is not reported as unhandled.
    text.catch(noop);
    this.#headSettle.resolve({ status, headers, text });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#chunks = undefined;
      this.#finish();
      this.#textSettle?.reject(this.#tooLarge(this.#limit));
      controller.abort(this.#tooLarge(this.#limit));
      return;
    }
    if (this.#chunks === undefined) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#finish();
    const chunks = this.#chunks ?? [];
    this.#textSettle?.resolve(
      chunks.length === 1
        ? (chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(chunks, this.#size).toString('utf8'),
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#finish();
    if (this.#textSettle !== undefined) this.#textSettle.reject(error);
    else this.#headSettle.reject(this.#failure(error, this.#cancel.signal));
  }

  #finish(): void {
    this.#cancel.onAbort(undefined);
  }
}
