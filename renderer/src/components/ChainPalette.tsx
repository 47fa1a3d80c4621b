import { useDraggable, useDroppable, type UniqueIdentifier } from '@dnd-kit/core';
import { useId, useState, type FormEvent } from 'react';
import type { KeyView } from '../../../app/admin/types.ts';
import type { Catalog, Provider } from '../../../app/catalog/schema.ts';
import type { RouteTarget } from '../../../app/config/schema.ts';
import { paletteFacts, paletteModels } from '../../../app/models/palette.ts';
import { providerColor } from '../lib/providerColor.ts';
import { useStore } from '../store/index.ts';
import { providerChoices, Select } from './Select.tsx';

const PALETTE_PREFIX = 'palette:';

function paletteId(provider: string, model: string): string {
  return `${PALETTE_PREFIX}${provider}|${model}`;
}

/** The target a palette item's drag id stands for, or null for a chain item's id. */
export function parsePaletteId(id: UniqueIdentifier): RouteTarget | null {
  const text = String(id);
  if (!text.startsWith(PALETTE_PREFIX)) return null;
  const rest = text.slice(PALETTE_PREFIX.length);
  const bar = rest.indexOf('|');
  return { provider: rest.slice(0, bar), model: rest.slice(bar + 1) };
}

function PaletteItem(props: {
  provider: Provider;
  model: string;
  facts: string;
  discovered: boolean;
  onAdd: () => void;
}) {
  // Only the pointer drags from here: keyboard users have the + button beside it, which does
  // the same without a trip through the sensor.
  const { listeners, setNodeRef, isDragging } = useDraggable({
    id: paletteId(props.provider.id, props.model),
  });
  return (
    <li className="palette-item" style={{ opacity: isDragging ? 0.5 : 1 }}>
      <span
        ref={setNodeRef}
        className="drag-source"
        {...listeners}
        data-testid={`palette-${props.provider.id}-${props.model}`}
        title={`Drag ${props.model} into the chain`}
      >
        {props.model}
        {props.facts !== '' && <span className="muted small"> · {props.facts}</span>}
        {props.discovered && (
          <span className="muted small" title="Listed by the provider for your key">
            {' '}
            · listed
          </span>
        )}
      </span>
      <button
        type="button"
        className="icon small"
        onClick={props.onAdd}
        aria-label={`Add ${props.provider.name} ${props.model} to the end of the chain`}
      >
        +
      </button>
    </li>
  );
}

function OtherModel(props: { providers: readonly Provider[]; onAdd: (t: RouteTarget) => void }) {
  const ids = { provider: useId(), model: useId() };
  const [provider, setProvider] = useState(props.providers[0]?.id ?? '');
  const [model, setModel] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (provider === '' || model.trim() === '') return;
    props.onAdd({ provider, model: model.trim() });
    setModel('');
  };
  return (
    <form className="stack" style={{ gap: 6 }} onSubmit={submit} aria-label="Add another model">
      <label htmlFor={ids.provider}>
        Another model of
        <Select
          id={ids.provider}
          value={provider}
          choices={providerChoices(props.providers)}
          onChange={setProvider}
        />
      </label>
      <div className="row" style={{ flexWrap: 'nowrap' }}>
        <label htmlFor={ids.model} className="sr-only">
          Model id
        </label>
        <input
          id={ids.model}
          value={model}
          placeholder="model id"
          onChange={(e) => setModel(e.target.value)}
          style={{ flex: 1, minWidth: 0 }}
        />
        <button type="submit" className="small" disabled={model.trim() === ''}>
          Add
        </button>
      </div>
    </form>
  );
}

/** The models to build a chain from: those of providers with a key (or all), by drag or +. */
export function ChainPalette(props: {
  catalog: Catalog | null;
  keys: readonly KeyView[];
  onAdd: (t: RouteTarget) => void;
}) {
  const [showAll, setShowAll] = useState(false);
  const discovered = useStore((s) => s.discoveredModels);
  const { setNodeRef } = useDroppable({ id: 'palette' });
  const providers = (props.catalog?.providers ?? []).filter((p) => p.template !== true);
  const usable = (p: Provider) =>
    props.keys.some((k) => k.provider === p.id) ||
    p.auth === 'none' ||
    p.quirks.keyOptional === true;
  const shown = providers.filter((p) => showAll || usable(p));
  return (
    <section className="card palette" aria-label="Provider models" ref={setNodeRef}>
      <div className="row spread" style={{ marginBottom: 8 }}>
        <h3>Models</h3>
        <label className="inline small">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
          all providers
        </label>
      </div>
      <p className="small muted" style={{ marginTop: 0 }}>
        Drag a model into the chain, or press +.
      </p>
      {shown.length === 0 && (
        <p className="small muted">
          No provider has a key yet. Tick "all providers", or add a key first.
        </p>
      )}
      {shown
        .map((p) => ({ p, models: paletteModels(p, discovered) }))
        .filter(({ models }) => models.length > 0)
        .map(({ p, models }) => (
          <div key={p.id} className="palette-group">
            <h4>
              <span
                className="swatch"
                style={{ background: providerColor(p.id) }}
                aria-hidden="true"
              />
              {p.name}
              {!usable(p) && <span className="pill neutral">no key</span>}
            </h4>
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {models.map((m) => (
                <PaletteItem
                  key={m.id}
                  provider={p}
                  model={m.id}
                  facts={paletteFacts(m)}
                  discovered={m.discovered}
                  onAdd={() => props.onAdd({ provider: p.id, model: m.id })}
                />
              ))}
            </ul>
          </div>
        ))}
      {shown.length > 0 && <OtherModel providers={shown} onAdd={props.onAdd} />}
    </section>
  );
}
