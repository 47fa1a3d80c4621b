import { z } from 'zod';
import { formatIssues } from '../config/parse.ts';
import type { ProviderOverride } from '../config/schema.ts';
import { flagDuplicateIds } from '../config/uniqueIds.ts';
import { HEADER_DIALECTS } from '../ratelimit/headers.ts';
import { FreeTierSchema } from './freeTier.ts';
import { ModelSchema, type Model } from './model.ts';

/** The catalog file's version; bump it when the shape of providers.json changes. */
export const CATALOG_VERSION = 1;

/** The wire format a provider's endpoint speaks. */
export const WireFormatSchema = z.enum(['openai', 'anthropic', 'gemini']);
export type WireFormat = z.infer<typeof WireFormatSchema>;

/** How the key travels: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`, or not at all. */
export const AuthSchema = z.enum(['bearer', 'x-api-key', 'x-goog-api-key', 'none']);
export type Auth = z.infer<typeof AuthSchema>;

/** Which family of rate-limit headers and error bodies a provider speaks (see PROVIDERS.md §4–5). */
export const HeaderDialectSchema = z.enum(HEADER_DIALECTS);

const ISO_DATE = z.iso.date({ error: 'must be an ISO date such as "2026-11-25"' });

/** Things the upstream client must do differently for this provider. Unknown keys are refused. */
export const QuirksSchema = z.strictObject({
  rejectsStreamOptions: z
    .boolean()
    .optional()
    .describe('Drop stream_options from the request: the provider answers 4xx to it'),
  extraHeaders: z
    .record(z.string(), z.string())
    .optional()
    .describe('Headers sent with every request, e.g. anthropic-version'),
  modelsPath: z
    .union([z.string().startsWith('/'), z.url()])
    .optional()
    .describe('Model list: a path relative to baseUrl, or an absolute URL when it lives elsewhere'),
  requiredPlaceholders: z
    .array(z.string().regex(/^[a-z_]+$/))
    .optional()
    .describe('Names in baseUrl written {like_this} that the user must fill in'),
  keyOptional: z
    .boolean()
    .optional()
    .describe('Works without a key (local servers); a key is sent only if one is configured'),
  modelsListCounts: z
    .boolean()
    .optional()
    .describe('Listing models may count against a request quota: discovery runs at most daily'),
});
export type Quirks = z.infer<typeof QuirksSchema>;

const TRAINS = z.enum(['yes', 'no', 'opt-out', 'unknown']);

/** What the provider does with prompts; 'unknown' wherever no source was found. */
export const DataPolicySchema = z.strictObject({
  trainsOnFreeInputs: TRAINS,
  trainsOnPaidInputs: TRAINS,
  retention: z.string().min(1),
  zeroDataRetention: z.enum(['available', 'by-agreement', 'no', 'unknown']),
  jurisdiction: z.string().min(1).describe('e.g. "US", "EU", "PRC", "local", "unknown"'),
});
export type DataPolicy = z.infer<typeof DataPolicySchema>;

/** The policy of a provider no source speaks for: a custom one, until someone looks it up. */
export const UNKNOWN_DATA_POLICY: Readonly<DataPolicy> = {
  trainsOnFreeInputs: 'unknown',
  trainsOnPaidInputs: 'unknown',
  retention: 'unknown',
  zeroDataRetention: 'unknown',
  jurisdiction: 'unknown',
};

/** Where a figure or policy came from, and when someone last checked it. */
export const SourceSchema = z.strictObject({
  field: z
    .string()
    .min(1)
    .describe('Dotted path or group name, e.g. "models.llama-3.1-8b-instant.limits"'),
  url: z.url(),
  checked: ISO_DATE,
  note: z.string().optional().describe('e.g. "secondary source" or "historic figure"'),
});
export type Source = z.infer<typeof SourceSchema>;

/** One provider entry of providers.json. */
export const ProviderSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'id must be lower-case letters, digits, ".", "_" or "-"'),
    name: z.string().min(1),
    baseUrl: z.url(),
    format: WireFormatSchema,
    responsesApi: z
      .boolean()
      .optional()
      .describe(
        'Also serves the OpenAI Responses API at {baseUrl}/responses: Responses callers pass through',
      ),
    auth: AuthSchema,
    headerDialect: HeaderDialectSchema,
    quirks: QuirksSchema.default({}),
    local: z.boolean(),
    keyEnv: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).default([]),
    keyUrl: z.url().optional(),
    models: z.array(ModelSchema),
    freeTier: FreeTierSchema.optional().describe('Absent: no standing free tier is known'),
    dataPolicy: DataPolicySchema,
    sources: z.array(SourceSchema),
    template: z.boolean().optional().describe('A pattern to copy, not a provider to route to'),
    custom: z.boolean().optional().describe('Added by the user, not shipped in the catalog'),
  })
  .superRefine((provider, ctx) => {
    const placeholders = [...provider.baseUrl.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
    const declared = provider.quirks.requiredPlaceholders ?? [];
    for (const name of placeholders) {
      if (name !== undefined && !declared.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['quirks', 'requiredPlaceholders'],
          message: `baseUrl has {${name}}: list "${name}" in quirks.requiredPlaceholders`,
        });
      }
    }
    flagDuplicateIds(ctx, provider.models, 'models', (id) => `duplicate model id "${id}"`);
  });
export type Provider = z.infer<typeof ProviderSchema>;

/** The whole providers.json: its version and provider entries, ids unique. */
export const CatalogSchema = z
  .strictObject({
    version: z.literal(CATALOG_VERSION),
    updated: ISO_DATE.optional().describe(
      'When this catalog was compiled; an update file must carry it',
    ),
    origin: z
      .enum(['shipped', 'update'])
      .optional()
      .describe('Set by Switchyard: whether an update file from the data folder is in force'),
    providers: z.array(ProviderSchema),
  })
  .superRefine((catalog, ctx) => {
    flagDuplicateIds(ctx, catalog.providers, 'providers', (id) => `duplicate provider id "${id}"`);
  });
export type Catalog = z.infer<typeof CatalogSchema>;

/** The outcome of {@link loadCatalog}. */
export type CatalogResult = { ok: true; catalog: Catalog } | { ok: false; errors: string[] };

/**
 * Validates a parsed providers.json. Each error names the field, with the provider's id beside
 * its index so a person can find it: `providers[6] (groq).models[0].contextWindow: …`.
 */
export function loadCatalog(json: unknown): CatalogResult {
  const parsed = CatalogSchema.safeParse(json);
  if (parsed.success) return { ok: true, catalog: parsed.data };
  const raw = (json as { providers?: unknown } | null)?.providers;
  const ids = Array.isArray(raw) ? raw.map((p) => (p as { id?: unknown } | null)?.id) : [];
  const errors = formatIssues(parsed.error).map((line) =>
    line.replace(/^providers\[(\d+)\]/, (whole, index: string) => {
      const id = ids[Number(index)];
      return typeof id === 'string' ? `${whole} (${id})` : whole;
    }),
  );
  return { ok: false, errors };
}

const DEFAULT_AUTH: Record<WireFormat, Auth> = {
  openai: 'bearer',
  anthropic: 'x-api-key',
  gemini: 'x-goog-api-key',
};

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

function bareModel(id: string): Model {
  return { id, kind: 'chat', free: false };
}

function customProvider(id: string, override: ProviderOverride & { baseUrl: string }): Provider {
  const format = override.format ?? 'openai';
  return {
    id,
    name: override.name ?? id,
    baseUrl: override.baseUrl,
    format,
    auth: DEFAULT_AUTH[format],
    headerDialect: 'none',
    quirks: override.headers ? { extraHeaders: { ...override.headers } } : {},
    local: isLoopback(override.baseUrl),
    keyEnv: [],
    models: (override.models ?? []).map(bareModel),
    dataPolicy: { ...UNKNOWN_DATA_POLICY },
    sources: [],
    custom: true,
  };
}

function applyOverride(provider: Provider, override: ProviderOverride): Provider {
  const next: Provider = { ...provider, quirks: { ...provider.quirks } };
  if (override.name !== undefined) next.name = override.name;
  if (override.baseUrl !== undefined) next.baseUrl = override.baseUrl;
  if (override.format !== undefined && override.format !== provider.format) {
    next.format = override.format;
    // A provider's auth header belongs to its wire format (Gemini's OpenAI-compatible
    // endpoint takes Bearer, its native one x-goog-api-key); keyless stays keyless.
    if (provider.auth !== 'none') next.auth = DEFAULT_AUTH[override.format];
  }
  if (override.headers !== undefined) {
    next.quirks.extraHeaders = { ...provider.quirks.extraHeaders, ...override.headers };
  }
  if (override.models !== undefined) {
    next.models = override.models.map(
      (id) => provider.models.find((model) => model.id === id) ?? bareModel(id),
    );
  }
  return next;
}

/**
 * Applies the user's per-provider overrides (config `providers`) to the shipped catalog:
 * fields present in an override replace the catalog's (`models` replaces the model list,
 * `headers` are added to the extra headers), `disabled` providers are dropped, and
 * `custom: true` entries with a baseUrl become OpenAI-compatible providers (unless they set
 * another format) with an unknown data policy. Overrides that cannot apply are skipped;
 * {@link checkOverrides} says why.
 */
export function mergeCatalog(
  catalog: Catalog,
  overrides: Readonly<Record<string, ProviderOverride>>,
): Catalog {
  const providers: Provider[] = [];
  const known = new Set<string>();
  for (const provider of catalog.providers) {
    known.add(provider.id);
    const override = overrides[provider.id];
    if (override?.disabled) continue;
    providers.push(override ? applyOverride(provider, override) : provider);
  }
  for (const [id, override] of Object.entries(overrides)) {
    if (known.has(id) || !override.custom || override.disabled) continue;
    if (override.baseUrl === undefined) continue;
    providers.push(customProvider(id, { ...override, baseUrl: override.baseUrl }));
  }
  return { ...catalog, providers };
}

/** Says, one line each, which overrides {@link mergeCatalog} skips or reads differently. */
export function checkOverrides(
  catalog: Catalog,
  overrides: Readonly<Record<string, ProviderOverride>>,
): string[] {
  const known = new Set(catalog.providers.map((provider) => provider.id));
  const problems: string[] = [];
  for (const [id, override] of Object.entries(overrides)) {
    if (known.has(id)) {
      if (override.custom) {
        problems.push(
          `providers.${id}: "${id}" is already in the catalog, so "custom" is ignored and the fields override the catalog entry; pick another id for a separate provider`,
        );
      }
    } else if (!override.custom) {
      problems.push(
        `providers.${id}: no provider "${id}" in the catalog: set "custom": true and a baseUrl to add one`,
      );
    } else if (override.baseUrl === undefined && !override.disabled) {
      problems.push(
        `providers.${id}: a custom provider needs a baseUrl such as "http://127.0.0.1:8080/v1"`,
      );
    }
  }
  return problems;
}

/** The provider with this id, if the catalog has it. */
export function findProvider(catalog: Catalog, providerId: string): Provider | undefined {
  return catalog.providers.find((provider) => provider.id === providerId);
}

/**
 * The catalog's entry for a model. Undefined for a model the catalog does not list: it is
 * still routable (`groq/some-new-model`), callers just lack its figures.
 */
export function findModel(
  catalog: Catalog,
  providerId: string,
  modelId: string,
): Model | undefined {
  return findProvider(catalog, providerId)?.models.find((model) => model.id === modelId);
}

/**
 * The output tokens to ask a model for: what the caller asked, at most what the model can write.
 * A real provider answers 400 to more (Claude Code asks every model for 32,000); usage still
 * reports what was actually written.
 */
export function clampOutputTokens(model: Model | undefined, requested: number): number {
  const max = model?.maxOutputTokens;
  return max !== undefined && requested > max ? max : requested;
}

/** True when both prices are known, so a cost is an estimate and not a placeholder 0. */
export function priceKnown(model: Model | undefined): boolean {
  return model?.pricePerMTokIn !== undefined && model.pricePerMTokOut !== undefined;
}

/**
 * Estimated USD for a request; 0 where the price is unknown (the UI shows "unknown" then).
 * `tokensCached` (part of `tokensIn`) is priced at the cached rate where the catalog has one.
 */
export function costUsd(
  model: Model | undefined,
  tokensIn: number,
  tokensOut: number,
  tokensCached = 0,
): number {
  const priceIn = model?.pricePerMTokIn ?? 0;
  const priceCached = model?.pricePerMTokCachedIn ?? priceIn;
  const priceOut = model?.pricePerMTokOut ?? 0;
  const cached = Math.min(tokensCached, tokensIn);
  return ((tokensIn - cached) * priceIn + cached * priceCached + tokensOut * priceOut) / 1_000_000;
}
