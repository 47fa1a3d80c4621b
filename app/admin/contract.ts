import { z } from 'zod';
import type { Catalog } from '../catalog/schema.ts';
import type { LimiterState } from '../limiter/state.ts';
import type { LimiterView } from '../limiter/view.ts';
import type { DiscoveredModel, ModelWatchEntry } from '../models/watch.ts';
import type { TeamStatus } from '../team/status.ts';
import type { FieldIssue } from '../config/parse.ts';
import {
  ConfigSchema,
  KeyMetaSchema,
  KeyTierSchema,
  ProviderOverrideSchema,
  RouteSchema,
  RuleSchema,
  RuleWhenSchema,
  SettingsSchema,
  type Config,
  type ProviderOverride,
  type Route,
  type Rule,
} from '../config/schema.ts';
import type {
  BaseUrlCodeIssued,
  ImportCandidate,
  ImportResult,
  KeyAddResult,
  KeychainStatus,
  KeyView,
  LiveTraffic,
  MetricsResponse,
  PaidSpendView,
  ProxyKeyInfo,
  RequestDetail,
  RequestLogPage,
  RuleTestResult,
  TestRequestResult,
} from './types.ts';

/**
 * One admin endpoint: method, path (`:name` segments are parameters), the zod schema its body
 * must satisfy, and the type of its answer. The server registers handlers from ADMIN_API and
 * validates every body; the renderer's client is typed from the same map.
 */
export type EndpointDef<
  Req extends z.ZodType,
  Res,
  Query extends z.ZodType | undefined = undefined,
  Path extends string = string,
> = {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Kept as a literal type so each `:name` segment becomes a typed parameter (see ParamsOf). */
  path: Path;
  request: Req;
  /** The schema of the query string's parameters (as strings), for endpoints that take any. */
  query: Query;
  /** Phantom: carries the response type; never read at run time. */
  response: Res;
};

function endpoint<Res>() {
  return <
    const Path extends string,
    Req extends z.ZodType,
    Query extends z.ZodType | undefined = undefined,
  >(
    method: EndpointDef<Req, Res>['method'],
    path: Path,
    request: Req,
    query?: Query,
  ) =>
    ({
      method,
      path,
      request,
      query: query as Query,
      response: undefined as unknown as Res,
    }) as EndpointDef<Req, Res, Query, Path>;
}

const NoBody = z.undefined();

export type EngineStatus = {
  version: string;
  proxyUrl: string;
  dataDir: string;
  configPath: string;
  /** Problems of the last hand edit of the config that was refused; [] when the file is live. */
  configErrors: string[];
  startedAt: string;
  /** Routing is paused: the proxy answers 503 until it is resumed. */
  paused: boolean;
  /** Team mode (issue 20); absent when the config has no `team`. */
  team?: TeamStatus;
};

/** The catalog as the user's config shapes it, and the overrides that could not apply. */
export type CatalogView = { catalog: Catalog; problems: string[] };

export const PauseSchema = z.strictObject({ paused: z.boolean() });

/** POST endpoints that need no input still take a JSON body: send `{}`. */
const EmptyBody = z.strictObject({});

/** The body of every admin answer that is not 2xx; `issues` name each refused field. */
export type AdminErrorBody = {
  error: { message: string; code: string; issues?: FieldIssue[] };
};

export type Settings = Config['settings'];
export type Ok = { ok: true };

const KeySecretSchema = z
  .string()
  .min(8, 'secret is too short to be an API key')
  .max(4096, 'secret is longer than any API key (4096 characters at most)')
  .regex(/^[\x21-\x7e]+$/, 'secret must be one line of printable characters, without spaces');

const EnvNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must name an environment variable, e.g. "GROQ_API_KEY"');

/** Confirms that a key may go to its provider's new address, with the code the engine showed. */
export const ConfirmBaseUrlSchema = z.strictObject({
  baseUrl: z.string().min(1).max(2048),
  code: z.string().regex(/^\d{6}$/, 'code is the 6 digits Switchyard showed'),
});

/** A new key: its secret (stored in the OS keychain), or the environment variable that holds it. */
export const AddKeySchema = z
  .strictObject({
    provider: KeyMetaSchema.shape.provider,
    label: KeyMetaSchema.shape.label,
    tier: KeyTierSchema.default('free'),
    secret: KeySecretSchema.optional(),
    env: EnvNameSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.secret === undefined) === (body.env === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret'],
        message:
          'give either "secret" (stored in the OS keychain) or "env" (a variable name), not both',
      });
    }
  });

export const ReplaceKeySchema = z.strictObject({ secret: KeySecretSchema });

/** A .env file's text, read by the dashboard from a file the person picked. */
const DotenvSchema = z.string().max(256 * 1024, 'dotenv is larger than 256 KiB');

export const ImportCandidatesSchema = z.strictObject({ dotenv: DotenvSchema.optional() });

export const ImportKeysSchema = z.strictObject({
  items: z
    .array(
      z.strictObject({
        name: EnvNameSchema,
        provider: KeyMetaSchema.shape.provider.optional(),
        label: KeyMetaSchema.shape.label.optional(),
        tier: KeyTierSchema.optional(),
      }),
    )
    .min(1, 'items must name at least one variable to import'),
  dotenv: DotenvSchema.optional(),
});

export const TestRequestSchema = z.strictObject({
  model: z.string().min(1, 'model must be a route name or "provider/model"'),
  prompt: z.string().min(1, 'prompt must not be empty').max(20_000),
});

/** A request to try against rules and routes (the saved ones, or a draft from the editor). */
export const RuleTestSchema = z.strictObject({
  /** The request body as the client would send it (JSON object). */
  body: z.record(z.string(), z.unknown()),
  format: RuleWhenSchema.shape.format.unwrap().default('openai'),
  userAgent: z.string().max(500).optional(),
  /** As the x-switchyard-route header would. */
  forcedRoute: z.string().min(1).optional(),
  rules: z.array(RuleSchema).optional(),
  routes: z.array(RouteSchema).optional(),
});

const Millis = z.coerce.number().int().min(0);

/** Filters and paging of GET /admin/requests (query string). */
export const RequestLogQuerySchema = z.strictObject({
  route: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  status: z
    .union([z.enum(['ok', 'error']), z.coerce.number().int().min(100).max(599)], {
      error: 'status must be "ok", "error" or an HTTP status such as 429',
    })
    .optional(),
  from: Millis.optional(),
  to: Millis.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type RequestLogQuery = z.output<typeof RequestLogQuerySchema>;

/** GET /admin/metrics (query string). */
export const MetricsQuerySchema = z.strictObject({
  range: z.enum(['15m', '1h', '24h']).default('1h'),
  groupBy: z.enum(['provider', 'model', 'key']).default('provider'),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
});
export type MetricsQuery = z.output<typeof MetricsQuerySchema>;

export { LIVE_WINDOW_MS } from './liveWindow.ts';

export const ADMIN_API = {
  status: endpoint<EngineStatus>()('GET', '/admin/status', NoBody),
  getConfig: endpoint<Config>()('GET', '/admin/config', NoBody),
  putConfig: endpoint<Config>()('PUT', '/admin/config', ConfigSchema),

  getSettings: endpoint<Settings>()('GET', '/admin/settings', NoBody),
  putSettings: endpoint<Settings>()('PUT', '/admin/settings', SettingsSchema),

  /** The config's provider overrides and custom providers, by id (the catalog is separate). */
  listProviders: endpoint<Record<string, ProviderOverride>>()('GET', '/admin/providers', NoBody),
  putProvider: endpoint<ProviderOverride>()('PUT', '/admin/providers/:id', ProviderOverrideSchema),
  deleteProvider: endpoint<Ok>()('DELETE', '/admin/providers/:id', NoBody),

  listKeys: endpoint<KeyView[]>()('GET', '/admin/keys', NoBody),
  addKey: endpoint<KeyAddResult>()('POST', '/admin/keys', AddKeySchema),
  replaceKey: endpoint<KeyAddResult>()('PUT', '/admin/keys/:id', ReplaceKeySchema),
  deleteKey: endpoint<Ok>()('DELETE', '/admin/keys/:id', NoBody),
  testKey: endpoint<KeyAddResult>()('POST', '/admin/keys/:id/test', EmptyBody),
  /** Issues a one-use code for the key's new provider address, shown outside the admin API. */
  requestBaseUrlCode: endpoint<BaseUrlCodeIssued>()(
    'POST',
    '/admin/keys/:id/base-url/code',
    EmptyBody,
  ),
  confirmBaseUrl: endpoint<KeyView>()(
    'POST',
    '/admin/keys/:id/base-url/confirm',
    ConfirmBaseUrlSchema,
  ),
  importCandidates: endpoint<ImportCandidate[]>()(
    'POST',
    '/admin/keys/import/candidates',
    ImportCandidatesSchema,
  ),
  importKeys: endpoint<ImportResult[]>()('POST', '/admin/keys/import', ImportKeysSchema),
  keychainStatus: endpoint<KeychainStatus>()('GET', '/admin/keychain', NoBody),

  listRequests: endpoint<RequestLogPage>()('GET', '/admin/requests', NoBody, RequestLogQuerySchema),
  getRequest: endpoint<RequestDetail>()('GET', '/admin/requests/:id', NoBody),
  metrics: endpoint<MetricsResponse>()('GET', '/admin/metrics', NoBody, MetricsQuerySchema),
  /** The Overview's live figures, counted in the log (not paged), so exact at any log size. */
  liveTraffic: endpoint<LiveTraffic>()('GET', '/admin/live', NoBody),

  testRequest: endpoint<TestRequestResult>()('POST', '/admin/test-request', TestRequestSchema),
  proxyKey: endpoint<ProxyKeyInfo>()('GET', '/admin/proxy-key', NoBody),

  getCatalog: endpoint<CatalogView>()('GET', '/admin/catalog', NoBody),
  putRoutes: endpoint<Route[]>()('PUT', '/admin/routes', z.array(RouteSchema)),
  putRules: endpoint<Rule[]>()('PUT', '/admin/rules', z.array(RuleSchema)),
  /** Which rule a request matches and the plan it would get, by the engine's own functions and state. */
  testRules: endpoint<RuleTestResult>()('POST', '/admin/rules/test', RuleTestSchema),
  /** Each provider/key/model window: limit, remaining, reset, where the figure came from, status. */
  quota: endpoint<LimiterView>()('GET', '/admin/quota', NoBody),
  /** The limiter's own state, so the dashboard's plan preview runs planRoute on exactly what the engine sees. */
  limiterState: endpoint<LimiterState>()('GET', '/admin/quota/state', NoBody),
  setPaused: endpoint<EngineStatus>()('PUT', '/admin/pause', PauseSchema),
  /** Paid spend per route today, as the engine counts it against each route's budget. */
  paidSpend: endpoint<PaidSpendView>()('GET', '/admin/spend/today', NoBody),
  /** Route targets whose model the provider dropped or deprecated, with a suggested successor. */
  modelWatch: endpoint<{ modelWatch: ModelWatchEntry[] }>()('GET', '/admin/models/watch', NoBody),
  /** Every key's discovered models with first and last seen, for the chain editor's palette. */
  discoveredModels: endpoint<DiscoveredModel[]>()('GET', '/admin/models/discovered', NoBody),
} as const;

export type AdminApi = typeof ADMIN_API;
export type EndpointName = keyof AdminApi;
export type RequestOf<N extends EndpointName> = z.input<AdminApi[N]['request']>;
export type ParsedRequestOf<N extends EndpointName> = z.output<AdminApi[N]['request']>;
export type ResponseOf<N extends EndpointName> = AdminApi[N]['response'];
/** The query parameters an endpoint takes (as the client writes them), or never. */
export type QueryOf<N extends EndpointName> = AdminApi[N]['query'] extends z.ZodType
  ? z.input<AdminApi[N]['query']>
  : never;
/** The query as the router hands it to the handler: validated, defaults filled; undefined when the endpoint takes none. */
export type ParsedQueryOf<N extends EndpointName> = AdminApi[N]['query'] extends z.ZodType
  ? z.output<AdminApi[N]['query']>
  : undefined;

/** The names of a path template's `:name` segments: '/admin/keys/:id/test' gives 'id'. */
export type PathParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;
/** The path parameters of an endpoint, each a string; `{}` for a path without any. */
export type ParamsOf<N extends EndpointName> = {
  [K in PathParamNames<AdminApi[N]['path']>]: string;
};
