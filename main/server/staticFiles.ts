import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { acceptedEncodings, COMPRESSIBLE, PRECOMPRESSED } from './precompress.ts';
import { BASE_HEADERS, sendError } from './respond.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** The dashboard's CSP: its own scripts and styles, and talking to its own origin only. */
export const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Serves the built dashboard. Paths are resolved inside `root` and anything that escapes it
 * (`..`, encoded or not) is refused; unknown paths without an extension get index.html so the
 * single-page app can route them. A text file is sent as its precompressed copy (precompress.ts)
 * when the client accepts that encoding; hashed assets are cached for good, index.html revalidated.
 */
export async function serveStatic(
  root: string,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendError(res, 'admin', 405, `${req.method} is not allowed here; the dashboard is read-only.`);
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    sendError(res, 'admin', 400, 'The path is not valid URL encoding.');
    return;
  }
  const base = resolve(root);
  let file = resolve(base, `.${decoded.includes('\0') ? '/' : decoded}`);
  if (decoded.includes('\0') || (file !== base && !file.startsWith(base + sep))) {
    sendError(res, 'admin', 404, 'Not found.');
    return;
  }
  let info = await stat(file).catch(() => undefined);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => undefined);
  }
  if (!info?.isFile()) {
    if (extname(decoded) !== '') {
      sendError(res, 'admin', 404, `No file ${decoded} in the dashboard.`);
      return;
    }
    file = join(base, 'index.html');
    info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) {
      sendError(res, 'admin', 503, 'The dashboard is not built. Run "npm run build" and reload.');
      return;
    }
  }
  const isHtml = file.endsWith('.html');
  // Vite names everything under /assets/ by content hash, so those can be cached for good.
  const immutable = decoded.startsWith('/assets/');
  const compressible = COMPRESSIBLE.has(extname(file));
  const encoded = compressible
    ? await storedEncoding(file, req.headers['accept-encoding'])
    : undefined;
  res.writeHead(200, {
    ...BASE_HEADERS,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': encoded?.size ?? info.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(compressible ? { vary: 'accept-encoding' } : {}),
    ...(encoded ? { 'content-encoding': encoded.encoding } : {}),
    ...(isHtml ? { 'content-security-policy': DASHBOARD_CSP } : {}),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(encoded?.file ?? file).pipe(res);
}

/** The first precompressed copy of `file` the client accepts and the build wrote, if any. */
async function storedEncoding(
  file: string,
  acceptEncoding: string | undefined,
): Promise<{ encoding: string; file: string; size: number } | undefined> {
  const accepted = acceptedEncodings(acceptEncoding);
  for (const { encoding, suffix } of PRECOMPRESSED) {
    if (!accepted.has(encoding) && !accepted.has('*')) continue;
    const info = await stat(file + suffix).catch(() => undefined);
    if (info?.isFile()) return { encoding, file: file + suffix, size: info.size };
  }
  return undefined;
}
