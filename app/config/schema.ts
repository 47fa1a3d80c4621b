import { z } from 'zod';
import type { CallerFormat } from '../formats/proxyRequest.ts';
import { flagDuplicateIds } from './uniqueIds.ts';

/** The config file's current version; older files are migrated on load (see migrations.ts). */
export const CONFIG_VERSION = 1;

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const idField = (what: string) =>
  z
    .string()
    .regex(ID_PATTERN, `${what} must be lower-case letters, digits, '.', '_' or '-' (e.g. "groq")`);

/** Where a provider key's secret lives. The config never holds the secret itself. */
export const SecretRefSchema = z.union([
  z.strictObject({
    env: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]*$/,
        'env must name an environment variable, e.g. "GROQ_API_KEY"',
      ),
  }),
  z.strictObject({
    keychain: z.literal(true, { error: 'keychain must be true: the secret is in the OS keychain' }),
  }),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

export const KeyTierSchema = z.enum(['free', 'paid']);

/** A provider key's metadata. The secret is in the keychain or an environment variable. */
export const KeyMetaSchema = z.strictObject({
  id: idField('key id'),
  provider: idField('provider'),
  label: z.string().min(1, 'label must not be empty').max(80),
  secret: SecretRefSchema,
  tier: KeyTierSchema.default('free'),
  last4: z
    .string()
    .max(4)
    .optional()
    .describe('Last four characters of the secret, to tell keys apart'),
  createdAt: z.iso.datetime({ error: 'createdAt must be an ISO 8601 date-time' }).optional(),
  confirmedBaseUrl: z
    .string()
    .max(2048)
    .optional()
    .describe(
      'The provider address this key was last confirmed for; Switchyard sends the key nowhere else until you confirm a new one on the dashboard ("" when never confirmed). Kept by Switchyard.',
    ),
});
export type KeyMeta = z.infer<typeof KeyMetaSchema>;

/** Per-provider overrides of catalog fields, or a whole custom OpenAI-compatible provider. */
export const ProviderOverrideSchema = z.strictObject({
  name: z.string().min(1).optional(),
  baseUrl: z
    .url({ error: 'baseUrl must be an absolute URL such as "http://127.0.0.1:8080/v1"' })
    .optional(),
  format: z.enum(['openai', 'anthropic', 'gemini']).optional(),
  custom: z.boolean().optional().describe('true for a provider that is not in the catalog'),
  disabled: z.boolean().optional(),
  models: z.array(z.string().min(1)).optional(),
  headers: z.record(z.string(), z.string()).optional().describe('Extra headers sent upstream'),
});
export type ProviderOverride = z.infer<typeof ProviderOverrideSchema>;

export const RouteTargetSchema = z.strictObject({
  provider: idField('provider'),
  model: z.string().min(1, 'model must not be empty'),
  key: idField('key id').optional().describe("A key id; omitted means the provider's key pool"),
});
export type RouteTarget = z.infer<typeof RouteTargetSchema>;

export const OnLimitSchema = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('spill') }),
  z.strictObject({
    mode: z.literal('wait'),
    maxWaitMs: z.int().min(0).max(120_000, 'maxWaitMs is at most 120000 (two minutes)'),
  }),
]);

export const RouteSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[^/\s]+$/, 'route name must not contain "/" or spaces: clients send it as the model'),
  targets: z.array(RouteTargetSchema).min(1, 'a route needs at least one target'),
  onLimit: OnLimitSchema.default({ mode: 'spill' }),
  latencyBudgetMs: z.int().min(50).max(600_000).optional(),
  privacy: z.enum(['standard', 'sensitive']).default('standard'),
  paidBudgetUsdPerDay: z.number().min(0).optional(),
  aliases: z
    .array(
      z
        .string()
        .max(200, 'an alias is at most 200 characters')
        .regex(
          /^\S+$/,
          'an alias is a model name or a pattern such as "claude-opus-*", without spaces',
        ),
    )
    .optional()
    .describe(
      'Other model names this route answers, matched case-insensitively after route names and provider/model; "*" matches any run of characters, "?" one',
    ),
  affinity: z
    .boolean()
    .optional()
    .describe(
      "Keep a conversation on the target that served its previous turn while it has capacity, so the provider's prompt cache stays warm (default true)",
    ),
});
export type Route = z.infer<typeof RouteSchema>;

/** Every caller format, spelled once: a new adapter's format joins the rules' `format` condition. */
const CALLER_FORMATS = {
  openai: true,
  anthropic: true,
  responses: true,
  gemini: true,
} as const satisfies Record<CallerFormat, true>;

const TOKENS = z.int().min(0).max(100_000_000);
const glob = (what: string) =>
  z
    .string()
    .min(1)
    .max(200, `${what} is at most 200 characters`)
    .regex(/^\S+$/, `${what} is a name or a pattern such as "claude-*haiku*", without spaces`);

/** What a request must look like for a rule to apply; every condition given must hold. */
export const RuleWhenSchema = z.strictObject({
  model: glob('model')
    .optional()
    .describe('The requested model name, a glob ("*" any run, "?" one)'),
  minPromptTokens: TOKENS.optional().describe("The engine's prompt estimate is at least this"),
  maxPromptTokens: TOKENS.optional().describe("The engine's prompt estimate is at most this"),
  maxOutputTokens: TOKENS.optional().describe(
    'The request asks for at most this many output tokens',
  ),
  hasImages: z.boolean().optional(),
  hasTools: z.boolean().optional(),
  thinking: z.boolean().optional().describe('The request asks for extended thinking / reasoning'),
  format: z
    .enum(Object.keys(CALLER_FORMATS) as [CallerFormat, ...CallerFormat[]])
    .optional()
    .describe("The caller's wire format"),
  client: glob('client')
    .optional()
    .describe('The user agent, a glob such as "claude-cli/*", "codex_*" or "GeminiCLI/*"'),
  stream: z.boolean().optional(),
});
export type RuleWhen = z.infer<typeof RuleWhenSchema>;

/** One rule: the first whose `when` matches decides the route, before the model name's own. */
export const RuleSchema = z.strictObject({
  name: z.string().min(1, 'a rule needs a name').max(80),
  when: RuleWhenSchema,
  route: z.string().min(1, 'route must name a route'),
});
export type Rule = z.infer<typeof RuleSchema>;

/**
 * One web origin exactly as a browser sends it in `Origin`: `http` or `https`, a host, an
 * optional port, nothing else (no path, no wildcard, no trailing slash), lower case.
 */
export const WebOriginSchema = z.string().refine(
  (value) => {
    if (value.includes('*')) return false;
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
    } catch {
      return false;
    }
  },
  {
    message:
      'must be an exact origin such as https://app.example or http://localhost:5173: scheme, host and port only, lower case, no path, no wildcard',
  },
);

export const SettingsSchema = z.strictObject({
  logBodies: z
    .boolean()
    .default(false)
    .describe('Store prompt and completion text (secrets redacted)'),
  detectSensitive: z
    .boolean()
    .default(false)
    .describe('Treat prompts that contain secrets or personal data as sensitive on every route'),
  retentionDays: z.int().min(1).max(3650).default(30),
  retentionMaxMb: z.int().min(10).max(100_000).default(512),
  maxBodyBytes: z
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(8 * 1024 * 1024),
  defaultRoute: z
    .string()
    .min(1)
    .optional()
    .describe('The route for a model name that no route name, provider/model or alias claims'),
  autoReplaceModels: z
    .boolean()
    .default(false)
    .describe(
      'Replace a route target whose model the provider dropped or deprecated with the suggested successor (logged)',
    ),
  allowedOrigins: z
    .array(WebOriginSchema)
    .max(50)
    .default([])
    .describe(
      'Web pages (exact origins) allowed to call the proxy from a browser, with the proxy key; never the admin API',
    ),
});

/** A Redis URL with a password in it: the password belongs in the keychain or the environment. */
function urlHasPassword(url: string): boolean {
  return /^rediss?:\/\/[^/@]*:[^/@]+@/.test(url);
}

/**
 * Team mode (issue 20): members with keys of one organization share its quota through one Redis.
 * The URL is written here or named by an environment variable; the password is a secret, kept in
 * the keychain or an environment variable, never in this file.
 */
export const TeamSchema = z.strictObject({
  redis: z.union([
    z
      .string()
      .regex(
        /^rediss?:\/\//,
        'redis must be a redis:// or rediss:// URL, e.g. "redis://10.0.0.5:6379"',
      )
      .refine((url) => !urlHasPassword(url), {
        message:
          'redis must not hold a password: set "password": {"env": "NAME"} or {"keychain": true} instead',
      }),
    SecretRefSchema.options[0],
  ]),
  name: idField('team name').describe('The team: members with the same name and Redis share quota'),
  password: SecretRefSchema.optional().describe('Where the Redis password is kept, if it has one'),
  member: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('How this member is shown to the team; the host name by default'),
});
export type TeamConfig = z.infer<typeof TeamSchema>;

export const ConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(CONFIG_VERSION),
    settings: SettingsSchema.default(SettingsSchema.parse({})),
    providers: z.record(idField('provider id'), ProviderOverrideSchema).default({}),
    keys: z.array(KeyMetaSchema).default([]),
    routes: z.array(RouteSchema).default([]),
    rules: z.array(RuleSchema).default([]),
    team: TeamSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const keyIds = flagDuplicateIds(
      ctx,
      config.keys,
      'keys',
      (id) => `duplicate key id "${id}": give each key its own id`,
    );
    const routeNames = new Set<string>();
    config.routes.forEach((route, i) => {
      if (routeNames.has(route.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'name'],
          message: `duplicate route name "${route.name}": rename one of them`,
        });
      }
      routeNames.add(route.name);
      route.targets.forEach((target, j) => {
        if (target.key !== undefined && !keyIds.has(target.key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routes', i, 'targets', j, 'key'],
            message: `no key with id "${target.key}": add it under "keys" or drop "key" to use the provider's pool`,
          });
        }
      });
    });
    for (const conflict of aliasConflicts(config.routes)) {
      ctx.addIssue({
        code: 'custom',
        path: ['routes', conflict.route, 'aliases', conflict.alias],
        message: conflict.message,
      });
    }
    config.rules.forEach((rule, i) => {
      for (const issue of ruleIssues(rule, routeNames))
        ctx.addIssue({ code: 'custom', path: ['rules', i, ...issue.path], message: issue.message });
    });
    const fallback = config.settings.defaultRoute;
    if (fallback !== undefined && !routeNames.has(fallback)) {
      ctx.addIssue({
        code: 'custom',
        path: ['settings', 'defaultRoute'],
        message: `no route named "${fallback}": name one of ${quotedNames(routeNames)}, or remove defaultRoute`,
      });
    }
  });
export type Config = z.infer<typeof ConfigSchema>;

function quotedNames(names: ReadonlySet<string>): string {
  return names.size > 0
    ? [...names].map((n) => `"${n}"`).join(', ')
    : 'your routes (there are none yet)';
}

/**
 * What is wrong with a rule beyond its shape: a route that does not exist, bounds that cannot
 * both hold. The config schema and the Routes page's rules editor both report these.
 */
export function ruleIssues(
  rule: Pick<Rule, 'when' | 'route'>,
  routeNames: ReadonlySet<string>,
): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  if (!routeNames.has(rule.route)) {
    issues.push({
      path: ['route'],
      message: `no route named "${rule.route}": name one of ${quotedNames(routeNames)}`,
    });
  }
  const { minPromptTokens: min, maxPromptTokens: max } = rule.when;
  if (min !== undefined && max !== undefined && min > max) {
    issues.push({
      path: ['when', 'maxPromptTokens'],
      message: `maxPromptTokens (${max}) is below minPromptTokens (${min}): no request could match`,
    });
  }
  return issues;
}

/** An alias that can never be reached as written, where it is written and why. */
export interface AliasConflict {
  route: number;
  alias: number;
  message: string;
}

/**
 * An alias written twice (in any case) or equal to a route's name could never be reached as
 * written: the first route, or the route name, always wins. The config schema and the Routes
 * page's editor both report these.
 */
export function aliasConflicts(
  routes: ReadonlyArray<Pick<Route, 'name' | 'aliases'>>,
): AliasConflict[] {
  const names = new Map(routes.map((r) => [r.name.toLowerCase(), r.name]));
  const seen = new Map<string, string>();
  const conflicts: AliasConflict[] = [];
  routes.forEach((route, i) => {
    route.aliases?.forEach((alias, j) => {
      const key = alias.toLowerCase();
      const named = names.get(key);
      const owner = seen.get(key);
      if (named !== undefined) {
        conflicts.push({
          route: i,
          alias: j,
          message: `alias "${alias}" is the name of route "${named}", which always wins: remove the alias`,
        });
      } else if (owner !== undefined) {
        conflicts.push({
          route: i,
          alias: j,
          message:
            owner === route.name
              ? `alias "${alias}" is listed twice on route "${route.name}": remove one`
              : `alias "${alias}" is already on route "${owner}", which comes first and always wins: keep it on one route`,
        });
      }
      if (owner === undefined) seen.set(key, route.name);
    });
  });
  return conflicts;
}

/** A fresh config, as written on first run. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({ version: CONFIG_VERSION });
}
