import { IncomingMessage } from './nodeHttp.ts';

export type BodyResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      status: 400 | 408 | 413 | 415;
      message: string;
      /** Headers the error answer must carry (a timed-out body closes the connection). */
      headers?: Record<string, string>;
    };

/**
 * How long a request body may take to arrive once its headers have, unless the server set
 * another bound for its requests ({@link requestsWithBodyTime}). Bodies come from local tools over
 * loopback, where even the largest allowed body takes milliseconds; a minute leaves room for a
 * remote client on a slow link (--allow-remote) and still frees a socket that a stalled or
 * hostile client holds open.
 */
export const BODY_TIMEOUT_MS = 60_000;

/** A body still arriving: when it is late, and what ends its read then. */
export type PendingBody = { readonly deadline: number; readonly expire: () => void };

/**
 * The bodies under way for one bound, checked by one timer every quarter of the bound while any
 * is pending (so a late body is answered up to a quarter late), instead of a timer per request:
 * a Timeout armed and cleared per body cost some 450 bytes and a timer-list insert and removal.
 */
export class BodyDeadlines {
  readonly ms: number;
  readonly #pending = new Set<PendingBody>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number, now: () => number = Date.now) {
    this.ms = ms;
    this.#now = now;
  }

  /** When a body whose read starts now is late. */
  deadline(): number {
    return this.#now() + this.ms;
  }

  /** A body being read; its `expire` runs once its deadline has passed, unless it is dropped first. */
  add(body: PendingBody): void {
    this.#pending.add(body);
    // Left running while bodies come and go (a busy server would otherwise arm it per request);
    // a sweep that finds none stops it.
    this.#timer ??= setInterval(() => this.#sweep(), Math.max(1, this.ms / 4)).unref();
  }

  drop(body: PendingBody): void {
    this.#pending.delete(body);
  }

  #sweep(): void {
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = this.#now();
    for (const body of this.#pending) {
      if (body.deadline > now) continue;
      this.#pending.delete(body);
      body.expire();
    }
  }
}

const DEFAULT_DEADLINES = new BodyDeadlines(BODY_TIMEOUT_MS);

/** A request that carries its server's bound on how long its body may take to arrive. */
class TimedRequest extends IncomingMessage {
  get bodyDeadlines(): BodyDeadlines {
    return DEFAULT_DEADLINES;
  }
}

/**
 * The request class for a server (node:http's `IncomingMessage` option) whose bodies may take
 * `ms`: the bound travels on the request itself, with nothing to look up or collect per request.
 */
export function requestsWithBodyTime(ms: number): typeof IncomingMessage {
  const deadlines = ms === BODY_TIMEOUT_MS ? DEFAULT_DEADLINES : new BodyDeadlines(ms);
  return class extends TimedRequest {
    override get bodyDeadlines(): BodyDeadlines {
      return deadlines;
    }
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The deepest nesting a body may have. JSON.parse takes any depth, but what comes after it
 * (JSON.stringify of the upstream body, prompt counting, translation) recurses, and 100,000 nested
 * arrays overflowed the stack: a 500 for a malformed request. Real requests (tool schemas
 * included) stay far below this.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether a parsed JSON value nests arrays and objects deeper than `max`. Checked on the value
 * rather than the text: JSON.parse is iterative in V8 and takes any depth, and this walk visits
 * only arrays and objects (never the characters of a string, where most of a prompt is), at most
 * `max` calls deep.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (max === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeperThan(value[i], max - 1)) return true;
    return false;
  }
  for (const key in value)
    if (nestsDeeperThan((value as Record<string, unknown>)[key], max - 1)) return true;
  return false;
}

/**
 * Reads a JSON body with a hard size limit (checked on Content-Length and while streaming, so a
 * lying or chunked client cannot make us buffer more), a time limit (a body that has not fully
 * arrived within the bound is a 408 whose answer closes the connection), strict UTF-8, and one
 * JSON.parse (then the depth bound on what it built).
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((settle) => {
    const type = req.headers['content-type'];
    if (
      type !== undefined &&
      !/^application\/(.+\+)?json\b/i.test(type) &&
      !/^text\/plain\b/i.test(type)
    ) {
      req.resume();
      settle({
        ok: false,
        status: 415,
        message: `Content-Type must be application/json, got "${type.slice(0, 60)}".`,
      });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      settle(tooLarge(limit));
      return;
    }
    // Made with the first chunk: a push onto an empty array reserves room for 17, most bodies are one.
    let chunks: Buffer[] | undefined;
    let size = 0;
    let done = false;
    const deadlines = req instanceof TimedRequest ? req.bodyDeadlines : DEFAULT_DEADLINES;
    const pending: PendingBody = {
      deadline: deadlines.deadline(),
      expire: () => {
        if (done) return;
        done = true;
        chunks = undefined;
        settle({
          ok: false,
          status: 408,
          message: `The request body did not arrive within ${deadlines.ms / 1000} s of its headers. Send the whole body at once; if a slow link is the cause, retry.`,
          headers: { connection: 'close' },
        });
      },
    };
    const resolve = (result: BodyResult) => {
      deadlines.drop(pending);
      settle(result);
    };
    // A request whose client hung up before its body was read never ends and never errors.
    const gone = () => {
      if (done) return;
      done = true;
      resolve({ ok: false, status: 400, message: 'The client closed the connection early.' });
    };
    if (req.destroyed) {
      gone();
      return;
    }
    // `on`, not `once` (a request closes once): no wrapper made per request.
    req.on('close', gone);
    deadlines.add(pending);
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks = undefined;
        resolve(tooLarge(limit));
        req.resume();
        return;
      }
      if (chunks === undefined) chunks = [chunk];
      else chunks.push(chunk);
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, status: 400, message: 'The request body could not be read.' });
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      if (size === 0 || chunks === undefined) {
        resolve({
          ok: false,
          status: 400,
          message: 'The request body is empty; send a JSON object.',
        });
        return;
      }
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      let text: string;
      try {
        text = decoder.decode(raw);
      } catch {
        resolve({ ok: false, status: 400, message: 'The request body is not valid UTF-8.' });
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        resolve({
          ok: false,
          status: 400,
          message: `The request body is not valid JSON: ${(err as Error).message}`,
        });
        return;
      }
      if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
        resolve({
          ok: false,
          status: 400,
          message: `The request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels.`,
        });
        return;
      }
      resolve({ ok: true, value });
    });
  });
}

function tooLarge(limit: number): BodyResult {
  return {
    ok: false,
    status: 413,
    message: `The request body is larger than the ${Math.round(limit / 1024 / 1024)} MiB limit. Send less context, or raise settings.maxBodyBytes in the config.`,
  };
}
