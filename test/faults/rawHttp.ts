import { connect } from 'node:net';

/** What came back for one raw exchange. */
export type RawResponse = {
  /** Undefined when the connection closed without a response. */
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
  timedOut: boolean;
  elapsedMs: number;
};

export type RawOptions = {
  /** Pause between the pieces written, in ms (0 writes them in one go). */
  gapMs?: number;
  /** Half-closes the connection after the last piece, as a client that has nothing more to send. */
  endAfterWrite?: boolean;
  /** The request was HEAD: the response has no body whatever its Content-Length. */
  head?: boolean;
  deadlineMs?: number;
};

type Parsed = { status: number; headers: Record<string, string>; bodyStart: number };

function parseHead(buffer: Buffer): Parsed | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, bodyStart: end + 4 };
}

/** Whether `buffer` holds one whole response (interim 1xx responses skipped). */
function complete(
  buffer: Buffer,
  head: boolean,
): { parsed: Parsed; body: Buffer } | 'more' | 'interim' {
  const parsed = parseHead(buffer);
  if (!parsed) return 'more';
  if (parsed.status >= 100 && parsed.status < 200) return 'interim';
  const rest = buffer.subarray(parsed.bodyStart);
  if (head || parsed.status === 204 || parsed.status === 304)
    return { parsed, body: Buffer.alloc(0) };
  const length = parsed.headers['content-length'];
  if (length !== undefined) {
    return rest.length >= Number(length)
      ? { parsed, body: rest.subarray(0, Number(length)) }
      : 'more';
  }
  if (/chunked/i.test(parsed.headers['transfer-encoding'] ?? '')) {
    if (!rest.subarray(-5).equals(Buffer.from('0\r\n\r\n'))) return 'more';
    // Good enough for our own short answers: drop the chunk-size lines.
    const text = rest.toString('utf8').replace(/(^|\r\n)[0-9a-fA-F]+\r\n/g, '$1');
    return { parsed, body: Buffer.from(text.replace(/\r\n/g, '')) };
  }
  return 'more';
}

/**
 * Sends bytes over a fresh TCP connection and reads one HTTP response, however malformed the
 * request: for the fuzz and attack suites, which need to send what no HTTP client would.
 */
export function rawExchange(
  port: number,
  pieces: ReadonlyArray<string | Buffer>,
  options: RawOptions = {},
): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    let buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (result: Omit<RawResponse, 'elapsedMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      resolve({ ...result, elapsedMs: Date.now() - started });
    };
    const deadline = setTimeout(
      () => finish({ status: undefined, headers: {}, body: '', timedOut: true }),
      options.deadlineMs ?? 5000,
    );
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const state = complete(buffer, options.head === true);
        if (state === 'more') return;
        if (state === 'interim') {
          buffer = buffer.subarray(parseHead(buffer)!.bodyStart);
          continue;
        }
        finish({
          status: state.parsed.status,
          headers: state.parsed.headers,
          body: state.body.toString('utf8'),
          timedOut: false,
        });
        return;
      }
    });
    socket.on('close', () => {
      const parsed = parseHead(buffer);
      finish({
        status: parsed?.status,
        headers: parsed?.headers ?? {},
        body: parsed ? buffer.subarray(parsed.bodyStart).toString('utf8') : '',
        timedOut: false,
      });
    });
    socket.once('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (options.gapMs) await new Promise((r) => setTimeout(r, options.gapMs));
      }
      if (options.endAfterWrite && !socket.destroyed) socket.end();
    });
  });
}

/** A request's bytes: request line, headers (in order, duplicates kept), body. */
export function httpRequest(
  method: string,
  target: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: string | Buffer = '',
  version = 'HTTP/1.1',
): Buffer {
  const head = `${method} ${target} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([
    Buffer.from(head, 'latin1'),
    Buffer.isBuffer(body) ? body : Buffer.from(body),
  ]);
}
