import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { ok: true; value: unknown; bytes: number; raw: Buffer }
  | { ok: false; status: 400 | 413 | 415; message: string };

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON body with a hard size limit (checked on Content-Length and while streaming, so a
 * lying or chunked client cannot make us buffer more), strict UTF-8, and one JSON.parse.
 */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
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
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        resolve(tooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve({ ok: false, status: 400, message: 'The request body could not be read.' });
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      if (size === 0) {
        resolve({
          ok: false,
          status: 400,
          message: 'The request body is empty; send a JSON object.',
        });
        return;
      }
      let text: string;
      try {
        text = decoder.decode(raw);
      } catch {
        resolve({ ok: false, status: 400, message: 'The request body is not valid UTF-8.' });
        return;
      }
      try {
        resolve({ ok: true, value: JSON.parse(text), bytes: size, raw });
      } catch (err) {
        resolve({
          ok: false,
          status: 400,
          message: `The request body is not valid JSON: ${(err as Error).message}`,
        });
      }
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
