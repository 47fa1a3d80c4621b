import type { Source } from '../../../app/catalog/schema.ts';

function covers(pattern: string, field: string): boolean {
  if (pattern === field) return true;
  if (field.startsWith(`${pattern}.`)) return true;
  // "models.*.limits" covers "models.llama-3.1-8b-instant.limits.rpm".
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^]+?')}(\\..*)?$`,
  );
  return pattern.includes('*') && re.test(field);
}

/**
 * The source that backs a catalog field: the most specific entry whose `field` list names the
 * field itself or a parent of it (`dataPolicy` backs `dataPolicy.retention`).
 */
export function sourceFor(sources: readonly Source[], field: string): Source | undefined {
  let best: { source: Source; length: number } | undefined;
  for (const source of sources) {
    for (const pattern of source.field.split(',').map((p) => p.trim())) {
      if (covers(pattern, field) && (best === undefined || pattern.length > best.length)) {
        best = { source, length: pattern.length };
      }
    }
  }
  return best?.source;
}
