/**
 * The stream relay machinery every adapter shares: the translating relay (upstream → hub chunks
 * → caller) and the passthrough relay (bytes as they came, events scanned to see start, usage,
 * errors and completeness). Both read SSE through the one `SseParser` (app/formats/sse.ts). What
 * is particular to a format is in its adapter (adapters/).
 */
import { randomUUID } from 'node:crypto';
import { malformedStream, truncatedStream, type StreamError } from '../../app/formats/common.ts';
import type { ChatCompletionChunk, Usage } from '../../app/formats/openai.ts';
import { firstRunData, SseParser, type SseEvent } from '../../app/formats/sse.ts';
import type { UsageCounts } from '../engine/capacityGate.ts';
import type { RelayStep, StreamRelay } from './codec.ts';

type HubItem = ChatCompletionChunk | StreamError;

/** A token count as a provider reported it, or 0 when it is not a count at all. */
export function tokenCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** OpenAI usage in our counts. */
export function openAiUsage(usage: Usage | undefined | null): UsageCounts | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const cached = tokenCount(usage.prompt_tokens_details?.cached_tokens);
  return {
    tokensIn: tokenCount(usage.prompt_tokens),
    tokensOut: tokenCount(usage.completion_tokens),
    ...(cached > 0 ? { tokensCached: cached } : {}),
  };
}

/** Something that turns upstream SSE events into OpenAI chunks (the hub format). */
export interface ToOpenAi {
  push(event: SseEvent): HubItem[];
  end(): HubItem[];
  /**
   * The usage the upstream reported so far, in OpenAI's terms (null before any): a translator may
   * send it to the caller only at the end, but a cancelled stream is logged with it.
   */
  readonly usage: Usage | null;
}

/** The caller's side: what OpenAI chunks become on the wire. */
export interface FromOpenAi {
  push(chunk: ChatCompletionChunk): string;
  /** `complete`: the upstream said it was done (a finish reason or its end marker). */
  end(complete: boolean): string;
  errorText(error: StreamError): string;
}

/**
 * A relay that translates: upstream SSE → OpenAI chunks → the caller's format. A chunk counts
 * as the start; the first error stops the relay; an upstream that ends before a finish reason
 * is truncated, never a normal end.
 */
export function translatingRelay(toOpenAi: ToOpenAi, fromOpenAi: FromOpenAi): StreamRelay {
  const parser = new SseParser();
  let started = false;
  let finished = false;
  const run = (items: HubItem[]): RelayStep => {
    let out = '';
    for (const item of items) {
      if ('kind' in item) return { out, started, error: item };
      if (item.choices.some((c) => c.finish_reason != null)) finished = true;
      started = true;
      out += fromOpenAi.push(item);
    }
    return { out, started };
  };
  // The translators refuse shapes they cannot read; one that still throws is our bug, not a
  // malformed upstream: the stream ends with an internal error and the attempt reports it.
  const guarded = (step: () => RelayStep): RelayStep => {
    try {
      return step();
    } catch (bug) {
      return { out: '', started, error: translatorFailure(), bug };
    }
  };
  return {
    push: (text) =>
      guarded(() => {
        const items: HubItem[] = [];
        for (const event of parser.push(text))
          for (const item of toOpenAi.push(event)) items.push(item);
        const step = run(items);
        return step.error || parser.rest.length <= MAX_EVENT_CHARS
          ? step
          : { ...step, error: oversizedEvent() };
      }),
    end: () =>
      guarded(() => {
        parser.end();
        const items = toOpenAi.end();
        const step = run(items);
        if (step.error) return step;
        if (!finished) return { ...step, error: truncatedStream('upstream') };
        return { ...step, out: step.out + fromOpenAi.end(true) };
      }),
    errorText: (error) => fromOpenAi.errorText(error),
    usage: () => openAiUsage(toOpenAi.usage),
  };
}

function translatorFailure(): StreamError {
  return {
    kind: 'error',
    status: 500,
    type: 'server_error',
    message:
      'Switchyard hit an internal error translating this answer; the engine log has the details.',
    code: 'internal_error',
  };
}

/**
 * The largest event a relay holds while it waits for the event's end. Real events are a few KiB;
 * without a bound, a provider streaming one endless line (bytes keep coming, so no idle timeout
 * fires) would grow the engine's memory for as long as it went on.
 */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

export function oversizedEvent(): StreamError {
  return {
    ...malformedStream('upstream'),
    message: `The upstream stream sent an event larger than ${MAX_EVENT_CHARS / 1024 / 1024} MiB.`,
  };
}

/**
 * Same format both sides: the bytes go through untouched, and the events are looked at only to
 * see the start, usage, errors and whether the stream is complete. `observe` reads one event, and
 * may drop it or give the text to send in its place; the adapters' observers scan an ordinary
 * event (app/formats/jsonScan.ts) and parse only those that carry what the engine needs.
 * Bytes are forwarded a whole event block at a time: a block cut short (a reset, a malformed
 * event) must never reach the client, or the error event written after it would run into the
 * half line and the client could not read either.
 *
 * `ordinary`, when given, is a cheaper `observe` for a run of plain `data: {...}` blocks
 * (`SseParser.blocksOrRun`): true only when `observe` would call every one of them an ordinary
 * started event (`{ started: true }`), so the run is forwarded whole with one scan of its text.
 *
 * The event that starts the stream is parsed whatever `observe` says: framed as an object but not
 * JSON, it fails the attempt while the dispatcher can still move on, instead of committing the
 * client to an answer its SDK cannot read. After it, an event framed as an object goes through as
 * the provider wrote it: a scan, not a parse (issue 19), so the client reads what the provider
 * sent; a frame a cut broke is still caught by its framing.
 */
export function passthroughRelay(
  observe: (
    event: SseEvent,
    usage: UsageCounts,
  ) => {
    started?: boolean;
    complete?: boolean;
    error?: StreamError;
    drop?: boolean;
    replace?: string;
  },
  errorText: (error: StreamError) => string,
  ordinary?: (run: string) => boolean,
): StreamRelay {
  const parser = new SseParser();
  const usage: UsageCounts = { tokensIn: 0, tokensOut: 0 };
  let started = false;
  let complete = false;
  /** Observes a block's event; says what of the block is forwarded (false: drop it). */
  const step = (event: SseEvent): StreamError | boolean | { replace: string } => {
    let seen: ReturnType<typeof observe>;
    try {
      seen = observe(event, usage);
    } catch {
      return malformedStream('upstream');
    }
    if (seen.error) return seen.error;
    if (seen.started && !started) {
      if (!canStart(event.data)) return malformedStream('upstream');
      started = true;
    }
    if (seen.complete) complete = true;
    if (seen.drop) return false;
    return seen.replace !== undefined ? { replace: seen.replace } : true;
  };
  // Before the start, a run is taken whole only when its first event may start the stream.
  const acceptRun =
    ordinary && ((run: string) => ordinary(run) && (started || canStart(firstRunData(run))));
  return {
    push: (text) => {
      const blocks =
        acceptRun === undefined ? parser.blocks(text) : parser.blocksOrRun(text, acceptRun);
      if (!Array.isArray(blocks)) {
        const { lead, run } = blocks;
        if (lead !== '' || run !== '') started = true;
        // `out` joins them without copying either; written as its parts, it is never copied.
        const taken: RelayStep =
          lead === '' || run === ''
            ? { out: lead + run, started }
            : { out: lead + run, parts: [lead, run], started };
        return parser.rest.length > MAX_EVENT_CHARS ? { ...taken, error: oversizedEvent() } : taken;
      }
      let out = '';
      for (const block of blocks) {
        const seen = block.event === null || step(block.event);
        if (seen === true) out += block.raw;
        else if (typeof seen === 'object' && 'replace' in seen) out += seen.replace;
        else if (seen !== false) return { out, started, error: seen };
      }
      if (parser.rest.length > MAX_EVENT_CHARS) return { out, started, error: oversizedEvent() };
      return { out, started };
    },
    end: () => {
      // What is held is an event without its blank line: the parser discards it, and so do we.
      parser.end();
      return complete
        ? { out: '', started }
        : { out: '', started, error: truncatedStream('upstream') };
    },
    errorText,
    usage: () => usage,
  };
}

/**
 * Whether an event (or a JSON array's element) may start a same-format stream: it parses. Asked
 * once per stream, of the first event a relay would forward, whatever a scan made of it.
 */
export function canStart(json: string): boolean {
  return parseJson(json) !== undefined;
}

/** JSON.parse, or undefined for text that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function newChunkId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}
