import { RuleSchema, ruleIssues, type Rule, type RuleWhen } from '../../../app/config/schema.ts';
import { globMatches } from '../../../app/routing/modelName.ts';

/** Each field of a rule with its problem, by the config schema's own checks (shape, then route and bounds). */
export function ruleErrors(rule: Rule, routeNames: ReadonlySet<string>): Record<string, string> {
  const errors: Record<string, string> = {};
  const parsed = RuleSchema.safeParse(rule);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.at(-1);
      if (field !== undefined && errors[String(field)] === undefined)
        errors[String(field)] = issue.message;
    }
    return errors;
  }
  for (const issue of ruleIssues(parsed.data, routeNames)) {
    const field = issue.path.at(-1);
    if (field !== undefined) errors[String(field)] = issue.message;
  }
  return errors;
}

export const TOKEN_FIELDS = ['minPromptTokens', 'maxPromptTokens', 'maxOutputTokens'] as const;
export const FLAG_FIELDS = ['hasImages', 'hasTools', 'thinking', 'stream'] as const;
export const GLOB_FIELDS = ['model', 'client'] as const;

export const FIELD_LABELS: Record<keyof RuleWhen, string> = {
  model: 'Model name (glob)',
  client: 'Client / user agent (glob)',
  format: 'Caller format',
  minPromptTokens: 'Prompt at least (tokens)',
  maxPromptTokens: 'Prompt at most (tokens)',
  maxOutputTokens: 'Asks for at most (output tokens)',
  hasImages: 'Holds images',
  hasTools: 'Defines tools',
  thinking: 'Asks for thinking',
  stream: 'Streams',
};

/** `when` with one condition set, or removed when the field is emptied. */
export function withCondition<K extends keyof RuleWhen>(
  when: RuleWhen,
  field: K,
  value: RuleWhen[K] | undefined,
): RuleWhen {
  const next = { ...when };
  if (value === undefined) delete next[field];
  else next[field] = value;
  return next;
}

/** A short sentence of a rule's conditions, for the list and the Connect page. */
export function describeWhen(when: RuleWhen): string {
  const parts: string[] = [];
  if (when.model !== undefined) parts.push(`model ${when.model}`);
  if (when.client !== undefined) parts.push(`client ${when.client}`);
  if (when.format !== undefined) parts.push(`${when.format} format`);
  if (when.minPromptTokens !== undefined) parts.push(`prompt ≥ ${when.minPromptTokens} tokens`);
  if (when.maxPromptTokens !== undefined) parts.push(`prompt ≤ ${when.maxPromptTokens} tokens`);
  if (when.maxOutputTokens !== undefined) parts.push(`max_tokens ≤ ${when.maxOutputTokens}`);
  for (const flag of FLAG_FIELDS)
    if (when[flag] !== undefined) parts.push(`${when[flag] ? '' : 'no '}${flag}`);
  return parts.length === 0 ? 'every request' : parts.join(', ');
}

/**
 * The rules a tool's requests can meet: those without a client condition, and those whose
 * client glob matches the tool's user agent. Without a known user agent, only the former.
 */
export function rulesFor(rules: readonly Rule[], userAgent: string | undefined): Rule[] {
  return rules.filter(
    (r) =>
      r.when.client === undefined ||
      (userAgent !== undefined && globMatches(r.when.client, userAgent)),
  );
}
