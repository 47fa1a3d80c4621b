import type { AttemptRecord, PaidSpendView } from '../../app/admin/types.ts';
import { localMidnight } from '../../app/routing/budgetDay.ts';

/** The local midnight after `midnight`: a day lasts 23 to 25 hours, so 26 hours on is in the next one. */
function nextMidnight(midnight: number): number {
  return localMidnight(midnight + 26 * 60 * 60 * 1000);
}

/**
 * What paid keys have cost each route today, kept in memory so the planner reads it per request
 * for free. Seeded from the request log at start, so a restart does not reset a budget.
 */
export class PaidSpend {
  #day: number;
  /** The next local midnight: until then, "today" is `#day` without asking the date again. */
  #nextDay: number;
  #byRoute = new Map<string, number>();
  readonly #clock: () => number;
  readonly #isPaid: (keyId: string) => boolean;

  constructor(
    clock: () => number,
    isPaid: (keyId: string) => boolean,
    seed: Array<{ route: string; keyId: string; usd: number }>,
  ) {
    this.#clock = clock;
    this.#isPaid = isPaid;
    this.#day = localMidnight(clock());
    this.#nextDay = nextMidnight(this.#day);
    for (const row of seed) if (isPaid(row.keyId)) this.#add(row.route, row.usd);
  }

  #rollover(): void {
    const now = this.#clock();
    if (now >= this.#day && now < this.#nextDay) return;
    const day = localMidnight(now);
    this.#nextDay = nextMidnight(day);
    if (day !== this.#day) {
      this.#day = day;
      this.#byRoute.clear();
    }
  }

  #add(route: string, usd: number): void {
    this.#byRoute.set(route, (this.#byRoute.get(route) ?? 0) + usd);
  }

  /** Counts a finished request's paid attempts against its route; true when any cost was counted. */
  record(route: string | null, attempts: readonly AttemptRecord[]): boolean {
    if (route === null) return false;
    this.#rollover();
    let counted = false;
    for (const a of attempts) {
      if (a.costUsd !== null && a.keyId !== null && this.#isPaid(a.keyId)) {
        this.#add(route, a.costUsd);
        counted = true;
      }
    }
    return counted;
  }

  /** Every route's paid spend today: what the dashboard draws and plans its preview with. */
  view(): PaidSpendView {
    this.#rollover();
    return { since: this.#day, byRoute: Object.fromEntries(this.#byRoute) };
  }

  today(route: string): number {
    this.#rollover();
    return this.#byRoute.get(route) ?? 0;
  }
}
