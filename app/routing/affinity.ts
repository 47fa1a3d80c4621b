/**
 * Session affinity: a conversation's next turn goes to the target (provider, key, model) that
 * served its previous one while the plan still has it, so the provider's prompt cache stays
 * warm. The plan has already left out every target without capacity now, so "still in the
 * plan" is "the limiter says it can serve"; otherwise the plan's own order stands, as without
 * affinity. The memory of who served which session is main/'s (sessionMemory.ts).
 */
import type { PlanCandidate } from './plan.ts';

/** The target that served a session's previous turn. */
export interface ServedBy {
  provider: string;
  keyId: string | undefined;
  model: string;
}

/**
 * Where a request's session id comes from, and the text it is made of (main/ hashes it).
 * The client's own id wins: Anthropic's `metadata.user_id` (Claude Code puts its session id
 * there), Codex's `prompt_cache_key` or `session_id` header, OpenAI's `user`. Otherwise the
 * system prompt and first user message, which stay the same for every turn of a conversation.
 * `continues`: whether the request can be a later turn (whose target is worth keeping).
 */
export function sessionSource(
  body: Record<string, unknown>,
  sessionHeader: string | undefined,
): { from: 'client' | 'prompt'; text: string; continues: boolean } | undefined {
  const metadata = body.metadata;
  const userId =
    metadata !== null && typeof metadata === 'object'
      ? (metadata as Record<string, unknown>).user_id
      : undefined;
  const id =
    clientId(userId) ??
    clientId(body.prompt_cache_key) ??
    clientId(sessionHeader) ??
    clientId(body.user);
  if (id !== undefined) return { from: 'client', text: id, continues: true };
  // Chat and Messages send `messages`, the Responses API `input`, Gemini `contents`.
  const messages = Array.isArray(body.messages)
    ? (body.messages as unknown[])
    : Array.isArray(body.input)
      ? (body.input as unknown[])
      : Array.isArray(body.contents)
        ? (body.contents as unknown[])
        : [];
  let first: unknown;
  for (const message of messages)
    if (roleOf(message) === 'user') {
      first = message;
      break;
    }
  const system =
    body.system ?? body.instructions ?? body.systemInstruction ?? withRole(messages, SYSTEM_ROLES);
  if (first === undefined) return undefined;
  // Without a client id, a request is a later turn only when it carries an earlier answer
  // (Gemini's role for it is `model`): the same one-shot prompt sent twice is two requests, not
  // a conversation to pin.
  const continues = withRole(messages, ANSWER_ROLES) !== undefined;
  return { from: 'prompt', text: JSON.stringify([system ?? null, first]), continues };
}

const SYSTEM_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);
const ANSWER_ROLES: ReadonlySet<string> = new Set(['assistant', 'model']);

/** The first message whose role is one of `roles` (a loop: no closure or array per call). */
function withRole(messages: unknown[], roles: ReadonlySet<string>): unknown {
  for (const message of messages) if (roles.has(String(roleOf(message)))) return message;
  return undefined;
}

/** A client's own session id: a non-empty string. */
function clientId(id: unknown): string | undefined {
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function roleOf(message: unknown): unknown {
  return message !== null && typeof message === 'object'
    ? (message as Record<string, unknown>).role
    : undefined;
}

function same(candidate: PlanCandidate, served: ServedBy): boolean {
  return (
    candidate.provider.id === served.provider &&
    candidate.keyId === served.keyId &&
    candidate.model === served.model
  );
}

function describe(served: ServedBy): string {
  const key = served.keyId === undefined ? '' : ` key "${served.keyId}"`;
  return `${served.provider}${key} (${served.model})`;
}

/**
 * The plan's candidates with the session's previous target first, when the plan still has it
 * and it has room now (not only within the route's wait: `waiting`).
 */
export function keepSession<C extends PlanCandidate>(
  candidates: readonly C[],
  previous: ServedBy | undefined,
  waiting: readonly C[] = [],
): readonly C[] {
  if (previous === undefined) return candidates;
  const at = candidates.findIndex((c) => same(c, previous));
  // A target the route would wait for has no room now: the cache is not worth the wait.
  if (at <= 0 || waiting.includes(candidates[at] as C)) return candidates;
  const chosen = candidates[at] as C;
  return [chosen, ...candidates.slice(0, at), ...candidates.slice(at + 1)];
}

/**
 * What affinity did, in the log's words, once the turn is over: kept on the previous turn's
 * target, or moved off it (it had no capacity, was skipped or failed). None for a first turn.
 */
export function affinityNote(
  previous: ServedBy | undefined,
  servedNow: ServedBy | undefined,
): string | undefined {
  if (previous === undefined || servedNow === undefined) return undefined;
  const { provider, keyId, model } = servedNow;
  if (provider === previous.provider && keyId === previous.keyId && model === previous.model) {
    return `kept on ${describe(previous)}: same session`;
  }
  return `moved off ${describe(previous)} to ${describe(servedNow)}: it could not serve this turn`;
}
