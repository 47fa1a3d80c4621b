import { providerColor } from '../lib/providerColor.ts';

/** A provider (or `provider/model`) with its colour swatch, as every page shows it. */
export function ProviderName(props: { id: string; label?: string }) {
  return (
    <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
      <span
        className="swatch"
        style={{ background: providerColor(props.id) }}
        aria-hidden="true"
        data-color={providerColor(props.id)}
      />
      <span>{props.label ?? props.id}</span>
    </span>
  );
}
