import type { DatabaseSync } from 'node:sqlite';
import { inTransaction } from '../store/transaction.ts';
import type { AnswerFlag, DiscoveredModel, ModelListing } from '../../app/models/watch.ts';

/**
 * The discovered model lists (first and last seen per key) and the answer flags, in SQLite
 * (migration 6), so a restart neither forgets since when a model is missing nor re-flags it.
 */
export class ModelStore {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Records one successful listing: new models get `at` as first seen, every listed one as last seen. */
  recordListing(provider: string, keyId: string, models: readonly string[], at: number): void {
    const upsert = this.#db.prepare(
      `INSERT INTO discovered_models (provider, key_id, model, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (provider, key_id, model) DO UPDATE SET last_seen = excluded.last_seen`,
    );
    inTransaction(this.#db, () => {
      for (const model of new Set(models)) upsert.run(provider, keyId, model, at, at);
      this.#db
        .prepare(
          `INSERT INTO model_listings (provider, key_id, listed_at) VALUES (?, ?, ?)
           ON CONFLICT (provider, key_id) DO UPDATE SET listed_at = excluded.listed_at`,
        )
        .run(provider, keyId, at);
    });
  }

  /** When this key's list was last fetched, or undefined. */
  listedAt(provider: string, keyId: string): number | undefined {
    const row = this.#db
      .prepare('SELECT listed_at FROM model_listings WHERE provider = ? AND key_id = ?')
      .get(provider, keyId) as { listed_at: number } | undefined;
    return row?.listed_at;
  }

  discovered(): DiscoveredModel[] {
    const rows = this.#db
      .prepare(
        'SELECT provider, key_id, model, first_seen, last_seen FROM discovered_models ORDER BY provider, model, key_id',
      )
      .all() as Array<{
      provider: string;
      key_id: string;
      model: string;
      first_seen: number;
      last_seen: number;
    }>;
    return rows.map((r) => ({
      provider: r.provider,
      keyId: r.key_id,
      model: r.model,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
    }));
  }

  /**
   * Per provider, the union of its keys' lists: listed when any key last listed it, at the
   * newest listing's time. Keys that no longer exist are left out by `liveKeys`.
   */
  listings(liveKeys: (provider: string, keyId: string) => boolean): Map<string, ModelListing> {
    const listedRows = this.#db
      .prepare('SELECT provider, key_id, listed_at FROM model_listings')
      .all() as Array<{ provider: string; key_id: string; listed_at: number }>;
    const listings = new Map<
      string,
      { listedAt: number; models: Map<string, { firstSeen: number; lastSeen: number }> }
    >();
    for (const row of listedRows) {
      if (!liveKeys(row.provider, row.key_id)) continue;
      const entry = listings.get(row.provider) ?? { listedAt: 0, models: new Map() };
      entry.listedAt = Math.max(entry.listedAt, row.listed_at);
      listings.set(row.provider, entry);
    }
    for (const m of this.discovered()) {
      const entry = listings.get(m.provider);
      if (!entry || !liveKeys(m.provider, m.keyId)) continue;
      const known = entry.models.get(m.model);
      entry.models.set(m.model, {
        firstSeen: Math.min(known?.firstSeen ?? m.firstSeen, m.firstSeen),
        lastSeen: Math.max(known?.lastSeen ?? m.lastSeen, m.lastSeen),
      });
    }
    return new Map(
      [...listings].map(([provider, { listedAt, models }]) => [
        provider,
        { provider, listedAt, models: [...models].map(([id, seen]) => ({ id, ...seen })) },
      ]),
    );
  }

  flags(): AnswerFlag[] {
    return this.#db
      .prepare('SELECT provider, model, state, since, reason FROM model_flags')
      .all() as AnswerFlag[];
  }

  setFlag(flag: AnswerFlag): void {
    this.#db
      .prepare(
        `INSERT INTO model_flags (provider, model, state, since, reason) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (provider, model) DO UPDATE SET state = excluded.state, reason = excluded.reason,
           since = CASE WHEN model_flags.state = excluded.state THEN model_flags.since ELSE excluded.since END`,
      )
      .run(flag.provider, flag.model, flag.state, flag.since, flag.reason);
  }

  clearFlag(provider: string, model: string): boolean {
    return (
      this.#db
        .prepare('DELETE FROM model_flags WHERE provider = ? AND model = ?')
        .run(provider, model).changes > 0
    );
  }
}
