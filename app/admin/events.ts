import type { LimiterState } from '../limiter/state.ts';
import type { LimiterView } from '../limiter/view.ts';
import type { ModelWatchEntry } from '../models/watch.ts';
import type { KeyStatus, PaidSpendView, RequestListItem, RequestRecord } from './types.ts';

/** The one server-sent event stream; same auth as the rest of /admin. */
export const ADMIN_EVENTS_PATH = '/admin/events';

/** A request reached the dispatcher: the fields of its record known before any attempt. */
export type RequestStartedEvent = Pick<
  RequestRecord,
  'id' | 'startedAt' | 'kind' | 'inboundFormat' | 'requestedModel' | 'route' | 'streamed'
>;

/**
 * A request ended (answered, failed or abandoned by its client): its list row, what the live
 * views draw. Its attempts are not sent: an open dashboard would receive every request's (most of
 * the stream's bytes at a busy proxy) to draw the one it opens, which `getRequest` gives.
 */
export type RequestFinishedEvent = { request: RequestListItem };

/**
 * The limiter moved (quota taken or learned, a target cooling or parked), throttled: the view the
 * gauges draw and the state the plan preview plans on, so the dashboard need not fetch either.
 */
export type QuotaChangedEvent = { view: LimiterView; state: LimiterState };

/** A paid attempt was counted: every route's paid spend today, as the engine's budgets see it. */
export type SpendChangedEvent = PaidSpendView;

export type KeyStatusEvent = {
  id: string;
  provider: string;
  status: KeyStatus;
  previous: KeyStatus;
  /** Why, in one sentence (e.g. the classifier's reason for a 401). */
  reason?: string;
};

/** The config changed (through the admin API or a hand edit); the dashboard refetches it. */
export type ConfigChangedEvent = { at: number };

/** A route target's model was flagged, cleared or replaced: the whole watch list. */
export type ModelWatchEvent = { modelWatch: ModelWatchEntry[] };

/** The client was too slow: this many events before the next one were dropped for it. */
export type EventsDroppedEvent = { count: number };

/** Every event of the stream by name. The SSE `event:` field is the name, `data:` the JSON payload. */
export type AdminEventMap = {
  'request.started': RequestStartedEvent;
  'request.finished': RequestFinishedEvent;
  'quota.changed': QuotaChangedEvent;
  'spend.changed': SpendChangedEvent;
  'key.status': KeyStatusEvent;
  'config.changed': ConfigChangedEvent;
  'events.dropped': EventsDroppedEvent;
  'models.watch': ModelWatchEvent;
};

export type AdminEventName = keyof AdminEventMap;

/** One event as a client reads it: the name, and the payload that name carries. */
export type AdminEvent = {
  [N in AdminEventName]: { name: N; data: AdminEventMap[N] };
}[AdminEventName];

/** The names, for a client's `addEventListener` loop; the type check keeps it complete. */
export const ADMIN_EVENT_NAMES = [
  'request.started',
  'request.finished',
  'quota.changed',
  'spend.changed',
  'key.status',
  'config.changed',
  'events.dropped',
  'models.watch',
] as const satisfies readonly AdminEventName[];

type MissingNames = Exclude<AdminEventName, (typeof ADMIN_EVENT_NAMES)[number]>;
/** Fails to compile when an event is added to AdminEventMap but not to ADMIN_EVENT_NAMES. */
export const EVENT_NAMES_COMPLETE: [MissingNames] extends [never] ? true : MissingNames = true;
