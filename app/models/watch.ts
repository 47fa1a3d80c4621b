/**
 * Which of the user's route targets point at a model that is gone or going: from the provider's
 * own model list (discovery) and from what its answers said (answerSignal). Pure: listings,
 * flags and the catalog are passed in.
 */
import type { Catalog } from '../catalog/schema.ts';
import { findModel } from '../catalog/schema.ts';
import type { Route, RouteTarget } from '../config/schema.ts';

export type ModelWatchState = 'missing' | 'deprecated' | 'ok';

/** One route target's model, as `GET /admin/models/watch` and `switchyard status --json` give it. */
export type ModelWatchEntry = {
  route: string;
  provider: string;
  model: string;
  state: ModelWatchState;
  /** Epoch ms since when it is in this state; null for `ok`. */
  since: number | null;
  /** Why it was flagged, in one sentence; null for `ok`. */
  reason: string | null;
  /** The model to replace it with: the catalog's named successor, else the newest of its family the provider lists. */
  suggestion: string | null;
};

/** A provider's last successful model list: every model with when it was first and last seen. */
export type ModelListing = {
  provider: string;
  listedAt: number;
  models: ReadonlyArray<{ id: string; firstSeen: number; lastSeen: number }>;
};

/** One key's (or a keyless server's) discovered model, as the chain editor's palette lists it. */
export type DiscoveredModel = {
  provider: string;
  /** '' for a keyless local server. */
  keyId: string;
  model: string;
  firstSeen: number;
  lastSeen: number;
};

/** What an answer said about a model (the newest answer's word counts). */
export type AnswerFlag = {
  provider: string;
  model: string;
  state: 'missing' | 'deprecated';
  since: number;
  reason: string;
};

/** The name a model's versions share: its id up to the first part that carries a digit. */
export function modelFamily(id: string): string {
  const base = id.includes('/') ? id.slice(id.lastIndexOf('/') + 1) : id;
  const parts = base.toLowerCase().split(/[-_:.]/);
  const family: string[] = [];
  for (const part of parts) {
    if (/\d/.test(part)) break;
    family.push(part);
  }
  return (family.length > 0 ? family : parts.slice(0, 1)).join('-');
}

let naturally: Intl.Collator | undefined;

/**
 * The successor to suggest for a flagged model: the catalog's `successor` if the provider still
 * lists it (or nothing was listed), else the newest listed model of the same family (first seen
 * latest, then the highest version), never a model that is itself flagged.
 */
export function suggestSuccessor(
  catalog: Catalog,
  provider: string,
  model: string,
  listing: ModelListing | undefined,
  flagged: ReadonlySet<string>,
): string | null {
  const named = findModel(catalog, provider, model)?.successor;
  const listed = listing?.models ?? [];
  if (named !== undefined && (listing === undefined || listed.some((m) => m.id === named)))
    return named;
  const family = modelFamily(model);
  const candidates = listed.filter(
    (m) => m.id !== model && !flagged.has(m.id) && modelFamily(m.id) === family,
  );
  candidates.sort(
    (a, b) =>
      b.firstSeen - a.firstSeen ||
      (naturally ??= new Intl.Collator('en', { numeric: true })).compare(b.id, a.id),
  );
  return candidates[0]?.id ?? null;
}

/**
 * Every route target's model, flagged `missing` when its provider's latest list lacks it (or an
 * answer said it is gone), `deprecated` when an answer carried Deprecation/Sunset, else `ok`.
 * A list that was never fetched flags nothing by itself: a provider that cannot list is not evidence.
 */
export function watchRoutes(
  routes: readonly Route[],
  listings: ReadonlyMap<string, ModelListing>,
  flags: readonly AnswerFlag[],
  catalog: Catalog,
): ModelWatchEntry[] {
  const flagOf = new Map(flags.map((f) => [`${f.provider}|${f.model}`, f]));
  const judge = (target: RouteTarget): Pick<ModelWatchEntry, 'state' | 'since' | 'reason'> => {
    const listing = listings.get(target.provider);
    const entry = listing?.models.find((m) => m.id === target.model);
    if (listing !== undefined && entry === undefined)
      return {
        state: 'missing',
        since: listing.listedAt,
        reason: `${target.provider} does not list ${target.model}`,
      };
    if (listing !== undefined && entry !== undefined && entry.lastSeen < listing.listedAt)
      return {
        state: 'missing',
        since: entry.lastSeen,
        reason: `${target.provider} stopped listing ${target.model}`,
      };
    const answer = flagOf.get(`${target.provider}|${target.model}`);
    if (answer !== undefined)
      return { state: answer.state, since: answer.since, reason: answer.reason };
    return { state: 'ok', since: null, reason: null };
  };
  // One entry per route and model, however often a chain names it (e.g. once per key).
  const judged = new Map<
    string,
    { route: string; target: RouteTarget } & ReturnType<typeof judge>
  >();
  for (const route of routes)
    for (const target of route.targets) {
      const id = `${route.name}|${target.provider}|${target.model}`;
      if (!judged.has(id)) judged.set(id, { route: route.name, target, ...judge(target) });
    }
  const flagged = new Map<string, Set<string>>();
  for (const j of judged.values())
    if (j.state !== 'ok')
      flagged.set(
        j.target.provider,
        (flagged.get(j.target.provider) ?? new Set()).add(j.target.model),
      );
  return [...judged.values()].map((j) => ({
    route: j.route,
    provider: j.target.provider,
    model: j.target.model,
    state: j.state,
    since: j.since,
    reason: j.reason,
    suggestion:
      j.state === 'ok'
        ? null
        : suggestSuccessor(
            catalog,
            j.target.provider,
            j.target.model,
            listings.get(j.target.provider),
            flagged.get(j.target.provider) ?? new Set(),
          ),
  }));
}

/** The route with every target on `model` of `provider` switched to `replacement`. */
export function replaceModel(
  route: Route,
  provider: string,
  model: string,
  replacement: string,
): Route {
  return {
    ...route,
    targets: route.targets.map((t) =>
      t.provider === provider && t.model === model ? { ...t, model: replacement } : t,
    ),
  };
}
