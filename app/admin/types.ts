/**
 * The shapes the engine's state (keys, request log, metrics) takes on the admin API, and the
 * records the dispatcher hands the request log. Times are epoch milliseconds unless a name says
 * otherwise; durations are milliseconds from the request's (or attempt's) start.
 */

/** Which wire format the client spoke. */
export type InboundFormat = 'openai' | 'anthropic' | 'responses' | 'gemini';

/** Which proxy endpoint a request came in on. */
export type EndpointKind =
  'chat' | 'messages' | 'embeddings' | 'completions' | 'responses' | 'generate';

/**
 * The failure classes of DESIGN.md ("Failure classes"), as the log stores them: the classifier's
 * classes plus `mid-stream` for a failure after the first byte.
 */
export type LoggedFailureClass =
  | 'transient'
  | 'exhausted'
  | 'key-invalid'
  | 'too-big'
  | 'caller'
  | 'cancelled'
  | 'our-bug'
  | 'mid-stream';

/** How one attempt ended. `lost-race`: a hedged attempt that another one beat and that was aborted. */
export type AttemptOutcome =
  'ok' | 'failed' | 'failed-mid-stream' | 'aborted' | 'lost-race' | 'skipped';

/** One upstream attempt of a request, as the request log stores it. */
export type AttemptRecord = {
  /** 0 for the first attempt of the request, counting up in the order they started. */
  index: number;
  startedAt: number;
  provider: string;
  model: string;
  keyId: string | null;
  /** The provider's HTTP status, or 0 when none arrived (timeout, reset, abort). */
  status: number;
  outcome: AttemptOutcome;
  failureClass: LoggedFailureClass | null;
  /** One sentence from the classifier; never provider text or a secret. */
  reason: string | null;
  /** Time to response headers. */
  headersMs: number | null;
  /** Time to the first token (or first meaningful byte for non-streamed answers). */
  firstTokenMs: number | null;
  totalMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  /** Estimated from the catalog's prices; null when the price is not known. */
  costUsd: number | null;
  /** Started as a hedge beside a slow attempt (the route's latency budget ran out). */
  hedged: boolean;
  /** Until when this attempt's failure cooled the target or parked the key (epoch ms); null if it did neither. */
  holdUntil: number | null;
};

/** One request as the client saw it; its attempts are stored beside it. */
export type RequestRecord = {
  /** The id the proxy sent back in `x-switchyard-request-id`. */
  id: string;
  startedAt: number;
  kind: EndpointKind;
  inboundFormat: InboundFormat;
  /** The model name the client sent: a route name or `provider/model`. */
  requestedModel: string;
  /** The route it resolved to, or null for a direct `provider/model`. */
  route: string | null;
  /** The rule that chose the route (`x-switchyard-route` when the header forced it); null: the model name did. */
  rule?: string | null;
  /** What session affinity did, e.g. `kept on groq key "g2" (llama-3.1-8b-instant): same session`. */
  affinity?: string | null;
  /** The target that answered (or, when none did, the last one tried); null when none was tried. */
  provider: string | null;
  keyId: string | null;
  model: string | null;
  /** The HTTP status the client got (499 when the client hung up first). */
  status: number;
  failureClass: LoggedFailureClass | null;
  /** Why it failed, in one sentence; null when it succeeded. */
  error: string | null;
  headersMs: number | null;
  firstTokenMs: number | null;
  totalMs: number;
  tokensIn: number | null;
  tokensOut: number | null;
  costUsd: number | null;
  streamed: boolean;
  /** More than one attempt ran at once because the latency budget ran out. */
  hedged: boolean;
  clientAborted: boolean;
  /** Only when settings.logBodies is on; key-shaped strings are redacted before storage. */
  requestBody?: string;
  responseBody?: string;
};

/** A request in the log's list: the record without bodies, with its attempt count. */
export type RequestListItem = Omit<RequestRecord, 'requestBody' | 'responseBody'> & {
  attempts: number;
};

/** One page of the request log, newest first. */
export type RequestLogPage = {
  items: RequestListItem[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
  /** Rows the log dropped since the engine started because it could not keep up. */
  droppedRows: number;
};

/** One request with every attempt, for the request detail view. */
export type RequestDetail = { request: RequestRecord; attempts: AttemptRecord[] };

export type MetricsRange = '15m' | '1h' | '24h';
export type MetricsGroupBy = 'provider' | 'model' | 'key';

/** Aggregates of the attempts in one time step (or a whole range). Latencies in ms; null when no sample. */
export type MetricsStats = {
  count: number;
  errors: number;
  latencyP50: number | null;
  latencyP95: number | null;
  latencyP99: number | null;
  firstTokenP50: number | null;
  firstTokenP95: number | null;
  /** Output tokens per second of generation (after the first token), streamed attempts only. */
  tokensPerSecond: number | null;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
};

export type MetricsPoint = MetricsStats & { t: number };

/** One line of a chart: a provider, a `provider/model`, or a key id. */
export type MetricsSeries = { group: string; points: MetricsPoint[]; total: MetricsStats };

/** Requests that finished in one minute (`t` its start) of the Overview's live window. */
export type LiveMinute = { t: number; requests: number; errors: number; failovers: number };

/** The Overview's live figures: the requests of the last 15 minutes, counted per minute. */
export type LiveTraffic = { from: number; to: number; minutes: LiveMinute[] };

export type MetricsResponse = {
  range: MetricsRange;
  groupBy: MetricsGroupBy;
  from: number;
  to: number;
  stepMs: number;
  series: MetricsSeries[];
};

/** `untested` until a test or a request says otherwise; `missing` when its secret cannot be found. */
export type KeyStatus = 'untested' | 'ok' | 'invalid' | 'exhausted' | 'missing';

/** What validating a key against its provider found. */
export type KeyTestOutcome = 'ok' | 'invalid' | 'unreachable' | 'failed' | 'skipped';

/** The result of a key test as the dashboard shows it. */
export type KeyTestResult = {
  outcome: KeyTestOutcome;
  /** One sentence for the person, e.g. "Groq answered: 23 models" or "401: the key was refused". */
  message: string;
  latencyMs: number | null;
  testedAt: string;
};

/** A provider key as the dashboard sees it. Never the secret. */
export type KeyView = {
  id: string;
  provider: string;
  label: string;
  last4: string | null;
  tier: 'free' | 'paid';
  source: 'keychain' | 'env';
  envName?: string;
  status: KeyStatus;
  createdAt: string | null;
  lastTest?: KeyTestResult;
  /**
   * Present while the key's provider points somewhere the key was not confirmed for: the key is
   * sent nowhere until the person confirms `current` (`confirmed` is null when it never was).
   */
  unconfirmedBaseUrl?: { current: string; confirmed: string | null };
};

/** A confirmation code was issued: shown outside the admin API, for this key and address only. */
export type BaseUrlCodeIssued = {
  keyId: string;
  baseUrl: string;
  confirmedBaseUrl: string | null;
  /** Where the person finds the code, e.g. "the Switchyard window" or "the terminal running switchyard serve". */
  shownIn: string;
};

/** A key after add or replace, with the validation result to show. */
export type KeyAddResult = { key: KeyView; test: KeyTestResult };

export type KeychainState = 'ok' | 'locked' | 'unavailable' | 'timeout' | 'failed';

/** Whether the OS keychain works, and if not, what to do. */
export type KeychainStatus = {
  state: KeychainState;
  /** e.g. "Secret Service", "macOS Keychain", "Windows Credential Manager". */
  backend: string;
  message: string;
};

/** A key found in the environment or a .env file that could be imported into the keychain. */
export type ImportCandidate = {
  name: string;
  provider: string | null;
  source: 'env' | 'dotenv';
  last4: string;
  /** A key of this provider with the same last four characters is already configured. */
  alreadyAdded: boolean;
};

export type ImportResult = {
  name: string;
  outcome: 'imported' | 'skipped' | 'failed';
  message: string;
  key?: KeyView;
};

/** The local proxy key for the dashboard's Connect page (not a provider secret). */
export type ProxyKeyInfo = {
  proxyKey: string;
  proxyUrl: string;
  /** `ephemeral`: no keychain, so a new key is made on every start. */
  source: 'env' | 'keychain' | 'ephemeral';
};

/** What a test request from the dashboard got back. */
export type TestRequestResult = {
  ok: boolean;
  status: number;
  /** The answer's text, or the error message. */
  text: string;
  requestId: string | null;
  provider: string | null;
  model: string | null;
  latencyMs: number;
};

/** One candidate of a rule test's plan. */
export type RuleTestCandidate = { provider: string; model: string; keyId: string | null };

/** What the rule tester shows: how the route was chosen, and the plan the engine would follow now. */
export type RuleTestResult = {
  via: 'header' | 'rule' | 'model' | null;
  rule: string | null;
  route: string | null;
  /** Why nothing was chosen (an unknown model or forced route), as the client would be told. */
  error: string | null;
  shape: {
    promptTokens: number;
    hasImages: boolean;
    hasTools: boolean;
    thinking: boolean;
    stream: boolean;
    maxTokens: number | null;
  };
  candidates: RuleTestCandidate[];
  skipped: Array<RuleTestCandidate & { reason: string; message: string }>;
};

/** What paid keys have cost each route since local midnight (`since`, epoch ms), as the engine counts it for budgets. */
export type PaidSpendView = { since: number; byRoute: Record<string, number> };
