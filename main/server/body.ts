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

/** A request that carries its server's bound on how long its body may take to arrive. */
class TimedRequest extends IncomingMessage {
  get bodyTimeoutMs(): number {
    return BODY_TIMEOUT_MS;
  }
}

/**
 * The request class for a server (node:http's `IncomingMessage` option) whose bodies may take
 * `ms`: the bound travels on the request itself, with nothing to look up or collect per request.
 */
export function requestsWithBodyTime(ms: number): typeof IncomingMessage {
  return class extends TimedRequest {
    override get bodyTimeoutMs(): number {
      return ms;
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
    const deadline: { timer?: NodeJS.Timeout } = {};
    const resolve = (result: BodyResult) => {
      clearTimeout(deadline.timer);
      settle(result);
    };
    const type = req.headers['content-type'];
    if (
      type !== undefined &&
      !/^application\/(.+\+)?json\b/i.test(type) &&
      !/^text\/plain\b/i.test(type)
    ) {
      req.resume();
      resolve({
        ok: false,
        status: 415,
        message: `Content-Type must be application/json, got "${type.slice(0, 60)}".`,
      });
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve(tooLarge(limit));
      return;
    }
    // Made with the first chunk: a push onto an empty array reserves room for 17, most bodies are one.
    let chunks: Buffer[] | undefined;
    let size = 0;
    let done = false;
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
    const timeoutMs = req instanceof TimedRequest ? req.bodyTimeoutMs : BODY_TIMEOUT_MS;
    deadline.timer = setTimeout(() => {
      if (done) return;
      done = true;
      chunks = undefined;
      resolve({
        ok: false,
        status: 408,
        message: `The request body did not arrive within ${timeoutMs / 1000} s of its headers. Send the whole body at once; if a slow link is the cause, retry.`,
        headers: { connection: 'close' },
      });
    }, timeoutMs);
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
