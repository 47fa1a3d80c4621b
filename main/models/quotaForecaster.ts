import { pruneSamples, runsOutAt, type RemainingSample } from '../../app/models/forecast.ts';
import type { LimiterView } from '../../app/limiter/view.ts';

/** A sample is kept when the figure moved, or at least this often, so a pause counts as a pause. */
const SAMPLE_EVERY_MS = 60_000;

/**
 * Remembers each window's remaining figure over the last 15 minutes (from every view the
 * limiter hands out) and adds `runsOutAt` to the view's windows.
 */
export class QuotaForecaster {
  readonly #samples = new Map<string, RemainingSample[]>();

  annotate(view: LimiterView): LimiterView {
    const now = view.at;
    return {
      ...view,
      pools: view.pools.map((pool) => ({
        ...pool,
        windows: pool.windows.map((w) => {
          const id = `${pool.provider}|${pool.keyId ?? ''}|${pool.model ?? ''}|${w.window}`;
          const kept = pruneSamples(this.#samples.get(id) ?? [], now);
          const last = kept.at(-1);
          if (
            last === undefined ||
            last.remaining !== w.remaining ||
            now - last.at >= SAMPLE_EVERY_MS
          )
            kept.push({ at: now, remaining: w.remaining });
          this.#samples.set(id, kept);
          const at = runsOutAt(
            [...kept.filter((s) => s.at < now), { at: now, remaining: w.remaining }],
            w.resetAt,
            now,
          );
          return at === undefined ? w : { ...w, runsOutAt: at };
        }),
      })),
    };
  }
}
