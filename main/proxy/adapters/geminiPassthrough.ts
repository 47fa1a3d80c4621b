/**
 * Gemini both sides: the body goes up as sent and the answer comes back as it came, a stream in
 * the framing the caller asked for (`alt=sse` events, or Google's JSON array). Chunks are scanned
 * (app/formats/jsonScan.ts) and parsed only when they carry an end or an error; the usage every
 * chunk repeats is kept as the text of the latest one and read once, when the engine asks.
 */
import type { Provider } from '../../../app/catalog/schema.ts';
import { malformedStream, truncatedStream, type StreamError } from '../../../app/formats/common.ts';
import {
  geminiMethodPath,
  geminiStreamError,
  GenerateContentResponseSchema,
} from '../../../app/formats/gemini.ts';
import { geminiUsageToOpenAi } from '../../../app/formats/geminiTargetResponse.ts';
import { JsonArraySplitter } from '../../../app/formats/jsonArrayStream.ts';
import { keysPattern, looksLikeObject } from '../../../app/formats/jsonScan.ts';
import type { UsageCounts } from '../../engine/capacityGate.ts';
import type { Codec, RelayStep, StreamRelay } from '../codec.ts';
import {
  canStart,
  MAX_EVENT_CHARS,
  oversizedEvent,
  openAiUsage,
  parseJson,
  passthroughRelay,
} from '../relays.ts';
import { joinUrl } from '../../upstream/url.ts';
import { ChunkWriter } from './geminiChunkWriter.ts';

const UsageMetadata = GenerateContentResponseSchema.shape.usageMetadata;

/** The usage a parsed Gemini answer or chunk carries, undefined when it carries none. */
export function geminiUsageOf(value: unknown): UsageCounts | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const parsed = UsageMetadata.safeParse((value as { usageMetadata?: unknown }).usageMetadata);
  return parsed.success && parsed.data !== undefined
    ? openAiUsage(geminiUsageToOpenAi(parsed.data))
    : undefined;
}

/** What a Gemini chunk must be read for: its end, or an error. */
const GEMINI_MARKERS = keysPattern(['finishReason', 'error']);
const HAS_USAGE = keysPattern(['usageMetadata']);

/**
 * Every Gemini chunk carries the usage so far, so only the latest one's counts matter: its text
 * is kept (a scan, no parse) and read when the stream's usage is asked for.
 */
class LatestUsage {
  private text: string | undefined;
  private read: { text: string; counts: UsageCounts | undefined } | undefined;

  see(json: string): void {
    if (HAS_USAGE.test(json)) this.text = json;
  }

  counts(): UsageCounts {
    const text = this.text;
    if (text === undefined) return { tokensIn: 0, tokensOut: 0 };
    if (this.read?.text !== text) this.read = { text, counts: geminiUsageOf(parseJson(text)) };
    return this.read.counts ?? { tokensIn: 0, tokensOut: 0 };
  }
}

/** One chunk's JSON read for an error or its end; an ordinary chunk is only scanned. */
function readChunk(json: string): { error: StreamError } | { complete: boolean } {
  if (looksLikeObject(json) && !GEMINI_MARKERS.test(json)) return { complete: false };
  const value = parseJson(json);
  if (value === null || typeof value !== 'object') return { error: malformedStream('Gemini') };
  const error = (value as { error?: unknown }).error;
  if (error !== undefined && error !== null) return { error: geminiStreamError(error) };
  const candidates = (value as { candidates?: Array<{ finishReason?: unknown }> }).candidates;
  return {
    complete:
      Array.isArray(candidates) && candidates.some((c) => typeof c?.finishReason === 'string'),
  };
}

/** `alt=sse` both sides: events forwarded as they came. */
function sseRelay(): StreamRelay {
  const usage = new LatestUsage();
  const writer = new ChunkWriter(false);
  const relay = passthroughRelay(
    (event) => {
      usage.see(event.data);
      const seen = readChunk(event.data);
      return 'error' in seen ? seen : { started: true, complete: seen.complete };
    },
    (error) => writer.error(error),
  );
  return { ...relay, usage: () => usage.counts() };
}

/**
 * Google's JSON array both sides: the upstream's array forwarded as it came, a whole element at
 * a time, so an error written after it (`,{error}]`) still makes one array the SDK can read. The
 * closing `]` is held until the stream is known complete: a stream cut off after its `]` but
 * before a finish still ends with the truncation error inside the array.
 */
function arrayRelay(): StreamRelay {
  const splitter = new JsonArraySplitter();
  const usage = new LatestUsage();
  const writer = new ChunkWriter(true);
  let started = false;
  let complete = false;
  return {
    push: (text): RelayStep => {
      const step = splitter.push(text);
      let out = '';
      for (const element of step.elements) {
        usage.see(element.json);
        const seen = readChunk(element.json);
        if ('error' in seen) return { out, started, error: seen.error };
        if (!started && !canStart(element.json))
          return { out, started, error: malformedStream('Gemini') };
        if (seen.complete) complete = true;
        started = true;
        writer.continued();
        out += element.raw;
      }
      if (step.malformed) return { out, started, error: malformedStream('Gemini') };
      if (splitter.heldLength > MAX_EVENT_CHARS) return { out, started, error: oversizedEvent() };
      return { out, started };
    },
    end: () => {
      if (!complete) return { out: '', started, error: truncatedStream('upstream') };
      return { out: splitter.closed ? splitter.rest : writer.close(), started };
    },
    errorText: (error) => writer.error(error),
    usage: () => usage.counts(),
  };
}

export function geminiPassthrough(jsonArray: boolean): Codec {
  return {
    url: (provider: Provider, model, stream) =>
      joinUrl(provider.baseUrl, `v1beta/${geminiMethodPath(model, stream, !jsonArray)}`),
    encode: (req) => ({ ok: true, body: JSON.stringify(req.body) }),
    decode: (text) => {
      const value = parseJson(text);
      if (value === null || typeof value !== 'object')
        return { ok: false, error: malformedStream('upstream') };
      const error = (value as { error?: unknown }).error;
      if (error !== undefined && error !== null)
        return { ok: false, error: geminiStreamError(error) };
      return { ok: true, body: text, usage: geminiUsageOf(value) ?? { tokensIn: 0, tokensOut: 0 } };
    },
    relay: () => (jsonArray ? arrayRelay() : sseRelay()),
  };
}
