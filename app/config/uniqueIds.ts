import type { z } from 'zod';

/**
 * Flags every entry whose `id` an earlier entry of the same list already has, at
 * `[list, index, 'id']`, and returns the ids seen. Config keys and the catalog's providers and
 * models are all lists keyed by id, where a second entry with an id could never be reached.
 */
export function flagDuplicateIds(
  ctx: z.RefinementCtx,
  entries: ReadonlyArray<{ id: string }>,
  list: string,
  message: (id: string) => string,
): Set<string> {
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    if (seen.has(entry.id)) {
      ctx.addIssue({ code: 'custom', path: [list, i, 'id'], message: message(entry.id) });
    }
    seen.add(entry.id);
  });
  return seen;
}
