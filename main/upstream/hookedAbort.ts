import { EventEmitter } from 'node:events';

/**
 * An AbortController whose abort also calls one hook directly. A whole-answer request watched its
 * signal with an 'abort' listener: Node's EventTarget spends some 3.4 µs per request adding it and
 * 1 µs removing it (`profileEngine.ts` at one connection), on the path between the client's body and
 * the upstream write. The hook is a field set and cleared. Only the controller aborts its signal,
 * so every abort passes through here; the signal's own listeners still hear it first.
 */
export class HookedAbortController extends AbortController {
  #hook: (() => void) | undefined;

  /** `hook` runs once when this aborts (at once if it has already); undefined forgets it. */
  onAbort(hook: (() => void) | undefined): void {
    if (hook !== undefined && this.signal.aborted) {
      hook();
      return;
    }
    this.#hook = hook;
  }

  override abort(reason?: unknown): void {
    super.abort(reason);
    const hook = this.#hook;
    this.#hook = undefined;
    hook?.();
  }
}

/** An abort told as an EventEmitter's 'abort' event, with the controller's reason. */
export type AbortEmitter = EventEmitter & { reason?: unknown };

/**
 * The controller's abort as the 'abort' event of an EventEmitter, which undici's request API takes
 * in place of a signal and listens to with `once`: a streamed request's signal listener cost the
 * same 3.4 + 1 µs as a whole answer's. Not for a controller aborted already: the emitter has no
 * `aborted` for undici to check, so that one goes as its signal.
 */
export function abortEmitter(controller: HookedAbortController): AbortEmitter {
  const emitter: AbortEmitter = new EventEmitter();
  controller.onAbort(() => {
    emitter.reason = controller.signal.reason;
    emitter.emit('abort');
  });
  return emitter;
}
