import type { AttemptRecord } from '../../app/admin/types.ts';

/** Local midnight at or before `now`, in the machine's time zone: when "today's" paid budget began. */
export function localMidnight(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * What paid keys have cost each route today, kept in memory so the planner reads it per request
 * for free. Seeded from the request log at start, so a restart does not reset a budget.
 */
export class PaidSpend {
  #day: number;
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
    for (const row of seed) if (isPaid(row.keyId)) this.#add(row.route, row.usd);
  }

  #rollover(): void {
    const day = localMidnight(this.#clock());
    if (day !== this.#day) {
      this.#day = day;
      this.#byRoute.clear();
    }
  }

  #add(route: string, usd: number): void {
    this.#byRoute.set(route, (this.#byRoute.get(route) ?? 0) + usd);
  }

  /** Counts a finished request's paid attempts against its route. */
  record(route: string | null, attempts: readonly AttemptRecord[]): void {
    if (route === null) return;
    this.#rollover();
    for (const a of attempts)
      if (a.costUsd !== null && a.keyId !== null && this.#isPaid(a.keyId))
        this.#add(route, a.costUsd);
  }

  today(route: string): number {
    this.#rollover();
    return this.#byRoute.get(route) ?? 0;
  }
}
