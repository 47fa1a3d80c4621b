import { z } from 'zod';
import { isValidTimeZone } from '../ratelimit/resetTime.ts';

/** A provider's standing free offer and when its quota turns over. */
export const FreeTierSchema = z
  .strictObject({
    description: z.string().min(1),
    reset: z.strictObject({
      kind: z.enum(['daily', 'monthly', 'rolling', 'none', 'unknown']),
      time: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time must be HH:MM, e.g. "00:00"')
        .optional(),
      timeZone: z
        .string()
        .refine(
          isValidTimeZone,
          'timeZone must be an IANA name such as "America/Los_Angeles" or "UTC"',
        )
        .optional(),
    }),
    scope: z.enum(['key', 'project', 'account', 'org']).optional(),
  })
  .superRefine((tier, ctx) => {
    // A daily quota is only useful to the limiter if it knows when the day turns over; a
    // monthly cap's exact turnover is rarely published, so there the time stays optional.
    if (
      tier.reset.kind === 'daily' &&
      (tier.reset.time === undefined || tier.reset.timeZone === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['reset'],
        message: 'a daily reset needs "time" and "timeZone", e.g. "00:00" and "UTC"',
      });
    }
  });
export type FreeTier = z.infer<typeof FreeTierSchema>;
