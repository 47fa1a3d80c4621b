/** Wire format a mock speaks. */
export type MockFormat = 'openai' | 'anthropic' | 'gemini';

/** Family of rate-limit headers and 429/401 bodies, as in PROVIDERS.md §4–5. */
export type MockDialect =
  'openai' | 'groq' | 'anthropic' | 'cerebras' | 'openrouter' | 'together' | 'mistral' | 'none';

/** Limits the mock enforces for real, per key (or globally with `limitScope: 'global'`). */
export interface MockLimits {
  rpm?: number;
  rpd?: number;
  tpm?: number;
  tpd?: number;
  concurrency?: number;
}

/**
 * One thing to go wrong with a request. Refusals (`rate-limit` … `unauthorized`) answer in the
 * provider's own error shape; the others shape or break the transport. `afterEvents` counts the
 * answer's SSE events (comments excluded); without `ms` a stall lasts until the client hangs up
 * or the mock closes.
 */
export type Fault =
  | { kind: 'rate-limit'; scope?: 'minute' | 'day' | 'tokens'; retryAfterMs?: number }
  | { kind: 'server-error'; status?: 500 | 502 | 503 | 504 }
  | { kind: 'overloaded' }
  | { kind: 'insufficient-quota' }
  | { kind: 'context-length' }
  | { kind: 'unauthorized' }
  | { kind: 'stall-before-headers'; ms?: number }
  | { kind: 'stall-mid-stream'; afterEvents?: number; ms?: number }
  | { kind: 'reset-before-headers' }
  | { kind: 'reset-after-headers'; afterEvents?: number }
  | { kind: 'malformed-sse'; afterEvents?: number }
  | { kind: 'split-writes'; at: 'mid-line' | 'mid-crlf' | 'bytes'; everyBytes?: number }
  | { kind: 'crlf' }
  | { kind: 'comments' }
  | { kind: 'error-after-200'; afterEvents?: number };

export type FaultKind = Fault['kind'];

/** What a fault hook or reply function sees of a request. */
export interface MockRequestInfo {
  /** 0-based position in the request log. */
  index: number;
  method: string;
  path: string;
  model?: string;
  stream: boolean;
  /** Label of the key used; undefined when no key was sent. */
  keyLabel?: string;
  body: unknown;
}

export type FaultHook = (request: MockRequestInfo) => Fault | Fault[] | undefined;

/** Everything that can change while the mock runs (see `setBehavior`). */
export interface MockBehavior {
  /** Added before the first byte of every answer, refusals included: a fixed ms or a [min, max] range. */
  latencyMs?: number | readonly [number, number];
  /** Paces streamed content; unset streams as fast as the socket takes it. */
  tokensPerSecond?: number;
  /** Number of content chunks in a stream; unset gives one chunk per word. */
  chunks?: number;
  /** Reply text; the default is `echo: <last user text>`. */
  reply?: string | ((request: MockRequestInfo) => string);
  /** `auto` calls a tool when the request has tools and the last user message names one or says "tool". */
  toolCalls?: 'auto' | 'always' | 'never';
  /**
   * Thinking the model does before it answers: OpenAI-format `reasoning_content` (DeepSeek
   * style), an Anthropic `thinking` block signed `mock-sig:<model>`, Gemini thought parts (and
   * a `thoughtSignature` on each function call, as Gemini 3 sends it).
   */
  reasoning?: string;
  /** Prompt tokens reported as read from the provider's prompt cache (at most the prompt). */
  cachedTokens?: number;
  /** How many tool calls to make at once; default: one per tool named in the message, at least one. */
  parallelToolCalls?: number;
  /** Prompts estimated above this many tokens get the provider's context-length error. */
  contextWindow?: number;
  /**
   * Call this one tool with these arguments whenever the request offers it and the last message
   * is not a tool result (what an agent's tool round trip needs: a real command, not a sample).
   */
  callTool?: { name: string; args: Record<string, unknown> };
  faults?: FaultHook;
  /** Probability per request of each fault, drawn from the seeded generator. */
  faultRates?: Partial<Record<FaultKind, number>>;
  /** Model ids listed by the models endpoint; when given, other models get a 404. */
  models?: readonly string[];
  /** Headers on every answer, e.g. `Deprecation` / `Sunset` for a model on its way out. */
  responseHeaders?: Record<string, string>;
  limits?: MockLimits;
}

export interface MockProviderOptions extends MockBehavior {
  format: MockFormat;
  /** Default: `openai` for openai, `anthropic` for anthropic, `none` for gemini. */
  dialect?: MockDialect;
  /** Accepted keys, optionally labelled; unset accepts any key or none. */
  keys?: ReadonlyArray<string | { key: string; label: string }>;
  limitScope?: 'key' | 'global';
  /** Length of a "minute" and a "day" in ms, so tests can shorten time. */
  minuteMs?: number;
  dayMs?: number;
  /** Seed for latency ranges and fault rates. */
  seed?: number;
  /** Clock; default Date.now. */
  now?: () => number;
  /** Path prefix of the OpenAI-format endpoints; default `/v1` (Groq would be `/openai/v1`). */
  basePath?: string;
}

/** One request as the mock saw it. Keys are never stored: only their label and last four. */
export interface LoggedRequest {
  index: number;
  method: string;
  /** Path and query, with a `key=` query value replaced by the key's label. */
  path: string;
  /** Lower-case header names; auth headers read `[key:<label>]`. */
  headers: Record<string, string>;
  body: unknown;
  /** Clock time the request arrived. */
  at: number;
  key?: { label: string; last4: string };
  model?: string;
  stream: boolean;
  status?: number;
  faults: FaultKind[];
  /** The client hung up before the answer was complete. */
  aborted: boolean;
  /** The answer was written out completely. */
  finished: boolean;
  /** Clock time the connection closed early (set with `aborted`), to measure how fast a hang-up propagates. */
  abortedAt?: number;
  /** Clock time the answer was written out completely (set with `finished`). */
  finishedAt?: number;
}

export interface MockProvider {
  /**
   * The base URL to put in a catalog override: `http://127.0.0.1:PORT/v1` for openai (so
   * `${url}/chat/completions` works), the origin for anthropic (`${url}/v1/messages`) and gemini
   * (`${url}/v1beta/models/{m}:generateContent`).
   */
  url: string;
  origin: string;
  format: MockFormat;
  dialect: MockDialect;
  requests: LoggedRequest[];
  /** Changes behavior from the next request on; new `limits` also start fresh counters. */
  setBehavior(patch: Partial<MockBehavior>): void;
  /** Faults for the next requests, one entry each, before hooks and rates are consulted. */
  queueFaults(...faults: Array<Fault | Fault[]>): void;
  /** Forgets every limit window and counter. */
  resetLimits(): void;
  /** Resolves once the log holds `count` requests; rejects after `timeoutMs`. */
  waitForRequests(count: number, timeoutMs?: number): Promise<LoggedRequest[]>;
  /** Stops listening, destroys open sockets and ends stalled handlers. */
  close(): Promise<void>;
}
