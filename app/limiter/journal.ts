/**
 * The limiter's journal: what requests took from their pool's windows, and what each turned out
 * to cost, as small entries the store appends between two snapshots. The snapshot is saved at
 * most once a second; the journal is what makes a count as durable as the request it counts (a
 * take is committed before the request goes upstream), so a crash between two snapshots loses
 * none. A take entry counts its request and the pool's lease for the next ones (lease.ts), so
 * most requests find their count on disk already. At start, the entries after the last snapshot
 * are replayed onto it.
 *
 * Only counts are journalled. Header readings, cooldowns and parks of the last second before a
 * crash are lost: a lost reading leaves the local count (at least what was sent), and a lost
 * park is re-learnt from the provider's next refusal.
 */
import { z } from 'zod';
import { RATE_WINDOWS } from '../ratelimit/headers.ts';
import { type AttemptOutcome, type Ticket } from './limiter.ts';
import { actualFor } from './outcomes.ts';
import { amountFor, type LimitWindow, type LimiterState, type WindowState } from './state.ts';
import { correctWindow, takeWindow } from './windows.ts';

/** One journal entry: a take (window, amount: a request's, with its pool's lease) or a settlement (window, estimated, actual). */
export type JournalEntry =
  | { kind: 'take'; pool: string; at: number; amounts: Array<[LimitWindow, number]> }
  | { kind: 'settle'; pool: string; at: number; amounts: Array<[LimitWindow, number, number]> };

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = finite.refine((n) => n >= 0, 'must not be negative');
const WINDOW = z.enum([...RATE_WINDOWS, 'tph']);

const EntrySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('take'),
    pool: z.string().min(1),
    at: finite,
    amounts: z.array(z.tuple([WINDOW, count])),
  }),
  z.strictObject({
    kind: z.literal('settle'),
    pool: z.string().min(1),
    at: finite,
    amounts: z.array(z.tuple([WINDOW, count, count])),
  }),
]);

/** A stored entry, or undefined when it does not validate (a damaged row costs only itself). */
export function parseJournalEntry(raw: unknown): JournalEntry | undefined {
  const parsed = EntrySchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** What an attempt really cost each window it was charged, beside the estimate. */
export function settleEntry(
  ticket: Ticket,
  outcome: AttemptOutcome,
): Extract<JournalEntry, { kind: 'settle' }> {
  return {
    kind: 'settle',
    pool: ticket.pool,
    at: ticket.at,
    amounts: ticket.charged.map((w) => [
      w,
      amountFor(w, ticket.demand),
      actualFor(w, ticket.demand, outcome),
    ]),
  };
}

function applyEntry(w: WindowState, entry: JournalEntry): WindowState {
  if (entry.kind === 'take') {
    const amount = entry.amounts.find(([window]) => window === w.window);
    return amount === undefined ? w : takeWindow(w, amount[1], entry.at);
  }
  const amount = entry.amounts.find(([window]) => window === w.window);
  return amount === undefined ? w : correctWindow(w, entry.at, amount[1], amount[2]);
}

/**
 * The state with the entries applied in order, and the entries whose pool it does not hold yet
 * (a pool created after the snapshot was saved): the gate applies those once the pool is seeded.
 * Nothing here is in flight: a replayed take is a request that was sent, counted at its estimate
 * until its settlement, if journalled, corrects it.
 */
export function replayJournal(
  state: LimiterState,
  entries: readonly JournalEntry[],
): { state: LimiterState; unapplied: JournalEntry[] } {
  const unapplied: JournalEntry[] = [];
  let pools: Record<string, LimiterState['pools'][string]> | undefined;
  for (const entry of entries) {
    const pool = (pools ?? state.pools)[entry.pool];
    if (pool === undefined) {
      unapplied.push(entry);
      continue;
    }
    pools ??= { ...state.pools };
    pools[entry.pool] = { ...pool, windows: pool.windows.map((w) => applyEntry(w, entry)) };
  }
  return { state: pools === undefined ? state : { ...state, pools }, unapplied };
}
