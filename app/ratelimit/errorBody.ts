/**
 * Retry and quota hints in provider error bodies. Bodies differ by provider (PROVIDERS.md
 * section 5), so rather than one schema per provider the body is walked once and the fields that
 * carry meaning anywhere are collected: codes and types, messages, Gemini's RetryInfo and
 * QuotaFailure, OpenRouter's echoed headers and limit source. Nothing here throws.
 */
import {
  headerLookupFromRecord,
  parseRateLimitHeaders,
  type RateLimitObservation,
} from './headers.ts';
import { MAX_PLAUSIBLE_MS, parseDuration } from './headerValues.ts';

/** What an error body says, in the terms the classifier needs. */
export interface ErrorBodyInfo {
  /**
   * Codes, types and statuses found anywhere in the body, lower-cased: `error.code`,
   * `error.type`, `error.status`, `details.error_code`, `errors[].code`, `error_type`, ...
   * e.g. "insufficient_quota", "resource_exhausted", "3036".
   */
  codes: string[];
  /** The body's messages joined by newlines, for wording matches. Provider text: not for display. */
  text: string;
  /** An HTTP status carried in the body (`error.code: 429`), for errors sent with HTTP 200. */
  statusCode?: number;
  /** A wait the body asks for: RetryInfo.retryDelay, "try again in 5.289s", "wait 23 seconds". */
  retryAfterMs?: number;
  /** Gemini QuotaFailure `violations[].quotaId`, e.g. "GenerateRequestsPerDayPerProjectPerModel-FreeTier". */
  quotaIds: string[];
  /** The body says a per-day limit was hit (a PerDay quotaId, "per day", "(RPD)", "ByDay"). */
  perDay: boolean;
  /** Gemini's "limit: 0": the model has no free quota at all for this project. */
  zeroQuota: boolean;
  /** OpenRouter `error.metadata.limit_source`, e.g. "openrouter_free_tier_daily". */
  limitSource?: string;
  /** OpenRouter's X-RateLimit-* headers echoed in `error.metadata.headers`. */
  echoed?: RateLimitObservation;
}

const CODE_KEYS = new Set(['code', 'type', 'status', 'error_code', 'error_type', 'reason']);
const TEXT_KEYS = new Set(['message', 'msg', 'detail', 'details', 'error']);
/** Upstream raw errors relayed by OpenRouter are about its own keys, not ours. */
const SKIPPED_KEYS = new Set(['raw']);
const MAX_DEPTH = 8;
const MAX_ARRAY = 64;
const MAX_TEXT = 16_384;

const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';

const TRY_AGAIN_IN = /\b(?:try again|retry) in\s+((?:(?:\d+(?:\.\d+)?|\.\d+)(?:ms|h|m|s))+)/i;
const WAIT_SECONDS = /\b(?:wait|retry after)\s+(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b/i;
const PER_DAY = /\bper[ -]day\b|\((?:RPD|TPD)\)|ByDay\b/i;
const ZERO_LIMIT = /\blimit:\s*0(?![\d.])/;

interface Collected {
  codes: string[];
  texts: string[];
  quotaIds: string[];
  retryDelayMs?: number;
  limitSource?: string;
  echoedHeaders?: Record<string, unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function plausibleMs(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms >= 0 && ms <= MAX_PLAUSIBLE_MS
    ? ms
    : undefined;
}

function googleDetail(detail: Record<string, unknown>, into: Collected): void {
  const type = detail['@type'];
  if (type === RETRY_INFO && typeof detail['retryDelay'] === 'string') {
    into.retryDelayMs = plausibleMs(parseDuration(detail['retryDelay']));
  }
  if (type === QUOTA_FAILURE && Array.isArray(detail['violations'])) {
    for (const violation of detail['violations'].slice(0, MAX_ARRAY)) {
      if (isRecord(violation) && typeof violation['quotaId'] === 'string') {
        into.quotaIds.push(violation['quotaId']);
      }
    }
  }
}

function walk(value: unknown, key: string, depth: number, into: Collected): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (CODE_KEYS.has(key) && value.length <= 200) into.codes.push(value.toLowerCase());
    if (TEXT_KEYS.has(key)) into.texts.push(value);
    if (key === 'limit_source') into.limitSource = value;
    return;
  }
  if (typeof value === 'number') {
    if (CODE_KEYS.has(key) && Number.isFinite(value)) into.codes.push(String(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value.slice(0, MAX_ARRAY)) walk(item, key, depth + 1, into);
    return;
  }
  if (!isRecord(value)) return;
  googleDetail(value, into);
  for (const [childKey, child] of Object.entries(value)) {
    if (SKIPPED_KEYS.has(childKey)) continue;
    if (key === 'metadata' && childKey === 'headers' && isRecord(child)) {
      into.echoedHeaders = child;
      continue;
    }
    walk(child, childKey, depth + 1, into);
  }
}

function toStructure(body: unknown): { structure: unknown; looseText?: string } {
  if (typeof body !== 'string') return { structure: body };
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { structure: JSON.parse(trimmed) as unknown };
    } catch {
      return { structure: undefined, looseText: trimmed };
    }
  }
  return { structure: undefined, looseText: trimmed };
}

/** `error.code` (or a top-level `code`) when it is an HTTP status, as OpenRouter and Gemini send. */
function bodyStatus(structure: unknown): number | undefined {
  const root = Array.isArray(structure) ? structure[0] : structure;
  if (!isRecord(root)) return undefined;
  const error = root['error'];
  const candidates = [isRecord(error) ? error['code'] : undefined, root['code']];
  for (const c of candidates) {
    const n = typeof c === 'string' && /^\d{3}$/.test(c) ? Number(c) : c;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 400 && n <= 599) return n;
  }
  return undefined;
}

/** A wait in ms named by a message: "Please try again in 1m30.5s", "Please wait 23 seconds". */
export function retryHintFromText(text: string): number | undefined {
  const tryAgain = TRY_AGAIN_IN.exec(text);
  if (tryAgain !== null) {
    const ms = plausibleMs(parseDuration(tryAgain[1]));
    if (ms !== undefined) return ms;
  }
  const wait = WAIT_SECONDS.exec(text);
  if (wait !== null) return plausibleMs(Number(wait[1]) * 1000);
  return undefined;
}

/**
 * Reads an error body for retry and quota hints.
 *
 * @param body the body as already JSON-parsed (`unknown`), or its raw text (parsed here if JSON)
 * @param now epoch ms, to make echoed reset headers absolute
 */
export function parseErrorBody(body: unknown, now: number): ErrorBodyInfo {
  const { structure, looseText } = toStructure(body);
  const collected: Collected = { codes: [], texts: [], quotaIds: [] };
  try {
    walk(structure, '', 0, collected);
  } catch {
    // A hostile getter or a proxy object in the body: keep whatever was collected.
  }
  if (looseText !== undefined) collected.texts.push(looseText);
  const text = collected.texts.join('\n').slice(0, MAX_TEXT);

  const info: ErrorBodyInfo = {
    codes: collected.codes,
    text,
    quotaIds: collected.quotaIds,
    perDay: collected.quotaIds.some((id) => /PerDay/i.test(id)) || PER_DAY.test(text),
    zeroQuota: ZERO_LIMIT.test(text),
  };
  const statusCode = bodyStatus(structure);
  if (statusCode !== undefined) info.statusCode = statusCode;
  const retryAfterMs = collected.retryDelayMs ?? retryHintFromText(text);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  if (collected.limitSource !== undefined) info.limitSource = collected.limitSource;
  if (collected.echoedHeaders !== undefined) {
    const echoed = parseRateLimitHeaders(
      'openrouter',
      headerLookupFromRecord(collected.echoedHeaders),
      now,
    );
    if (echoed.windows.length > 0 || echoed.retryAfterMs !== undefined) info.echoed = echoed;
  }
  return info;
}
