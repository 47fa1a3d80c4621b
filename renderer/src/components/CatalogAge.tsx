import { newestCheck, oldestCheck } from '../../../app/catalog/overlay.ts';
import type { Catalog, Provider } from '../../../app/catalog/schema.ts';
import { useNow } from '../lib/useNow.ts';

const DAY_MS = 86_400_000;

function daysOld(isoDate: string, now: number): number {
  return Math.max(0, Math.floor((now - Date.parse(`${isoDate}T00:00:00Z`)) / DAY_MS));
}

/** Which catalog is in force: the one shipped with the app, or an update file from the data folder. */
export function CatalogInForce(props: { catalog: Catalog }) {
  const { updated, origin } = props.catalog;
  return (
    <p className="small muted" data-testid="catalog-in-force">
      {origin === 'update'
        ? `Catalog update of ${updated ?? 'an unknown date'} (providers.json in your data folder), laid over the catalog shipped with Switchyard.`
        : `Catalog shipped with Switchyard${updated !== undefined ? `, compiled ${updated}` : ''}. A newer providers.json in the data folder would override it field by field.`}
    </p>
  );
}

/** How old a provider's figures are: the oldest and newest date its sources were checked. */
export function FiguresAge(props: { provider: Pick<Provider, 'sources'> }) {
  const now = useNow(60 * 60_000);
  const oldest = oldestCheck(props.provider);
  const newest = newestCheck(props.provider);
  if (oldest === undefined || newest === undefined) return null;
  const text =
    oldest === newest
      ? `figures checked ${oldest} (${daysOld(oldest, now)} days ago)`
      : `figures checked ${oldest} to ${newest} (${daysOld(oldest, now)} to ${daysOld(newest, now)} days ago)`;
  return <span className="muted small">{text}</span>;
}
