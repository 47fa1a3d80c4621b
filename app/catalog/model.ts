import { z } from 'zod';

const COUNT = z.int().min(0);

/** Free-tier limits of one model. Each figure is optional: absent means not published. */
export const ModelLimitsSchema = z.strictObject({
  rpm: COUNT.optional(),
  rph: COUNT.optional(),
  rpd: COUNT.optional(),
  tpm: COUNT.optional(),
  tph: COUNT.optional(),
  tpd: COUNT.optional(),
  concurrency: COUNT.optional(),
  inputTokensPerRequest: COUNT.optional(),
  outputTokensPerRequest: COUNT.optional(),
});
export type ModelLimits = z.infer<typeof ModelLimitsSchema>;

/** A model the catalog knows; a model it does not list can still be routed to. */
export const ModelSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['chat', 'embedding']),
  contextWindow: z.int().positive().optional(),
  maxOutputTokens: z
    .int()
    .positive()
    .optional()
    .describe('The most output tokens one request may ask for (max_tokens); absent when not found'),
  vision: z
    .boolean()
    .optional()
    .describe('Takes images in the prompt; absent when no source says (then images are sent)'),
  tools: z
    .boolean()
    .optional()
    .describe('Takes tool definitions; absent when no source says (then tools are sent)'),
  free: z.boolean().describe('Usable on the provider’s free tier'),
  limits: ModelLimitsSchema.optional().describe('Free-tier limits'),
  pricePerMTokIn: z
    .number()
    .min(0)
    .optional()
    .describe('Pay-as-you-go USD per million input tokens; absent when no source was found'),
  pricePerMTokOut: z.number().min(0).optional(),
  pricePerMTokCachedIn: z
    .number()
    .min(0)
    .optional()
    .describe('USD per million input tokens read from the prompt cache; absent: the input price'),
  successor: z
    .string()
    .min(1)
    .optional()
    .describe('The model the provider names to replace this one when it is retired'),
});
export type Model = z.infer<typeof ModelSchema>;
