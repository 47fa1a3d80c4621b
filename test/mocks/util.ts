import type { IncomingMessage } from 'node:http';

/** Resolves after `ms` (never, for Infinity) and rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      if (timer) clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    if (Number.isFinite(ms)) {
      timer = setTimeout(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
    }
  });
}

export async function readBody(req: IncomingMessage, limit = 16 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    const chunk = part as Buffer;
    size += chunk.length;
    if (size > limit) throw new Error('request body too large');
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** mulberry32: small, seedable, good enough for fault dice and latency jitter. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The usual rough estimate of ~4 characters per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deterministic pseudo-embedding, so equal inputs give equal vectors. */
export function fakeVector(text: string, dimensions = 8): number[] {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  const random = seededRandom(hash);
  return Array.from({ length: dimensions }, () => Math.round((random() * 2 - 1) * 1e6) / 1e6);
}

/** Go's time.Duration format, which OpenAI and Groq use for reset headers: "12ms", "1.5s", "6m0s". */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const trim = (n: number) => String(Math.round(n * 1000) / 1000);
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${trim(totalSeconds)}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  return `${hours > 0 ? `${hours}h` : ''}${minutes}m${trim(seconds)}s`;
}

/** RFC 3339 at whole seconds, rounded up, as Anthropic writes its reset times. */
export function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function last4(key: string): string {
  return key.slice(-4);
}
