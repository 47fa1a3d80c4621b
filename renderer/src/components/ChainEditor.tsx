import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type DragStartEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import {
  SortableContext,
  arrayMove,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useId, useState, type ReactNode } from 'react';
import type { KeyView } from '../../../app/admin/types.ts';
import type { Catalog } from '../../../app/catalog/schema.ts';
import type { RouteTarget } from '../../../app/config/schema.ts';
import { providerColor } from '../lib/providerColor.ts';
import { ChainPalette, parsePaletteId } from './ChainPalette.tsx';
import { DragHandle } from './DragHandle.tsx';

const CHAIN_ID = 'chain';

/**
 * Ids for the chain's items that survive reordering: the target itself, plus a counter for a
 * target that appears twice (the same model through two different keys, say).
 */
export function chainIds(targets: readonly RouteTarget[]): string[] {
  const seen = new Map<string, number>();
  return targets.map((t) => {
    const base = `${t.provider}|${t.model}|${t.key ?? ''}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return `${base}#${n}`;
  });
}

/**
 * What a drop does to the chain: a palette item lands before the item it is dropped on, or
 * after it when dropped on its lower half (`below`), or at the end when dropped on the chain
 * itself; a chain item moves to where it was dropped.
 */
export function applyDrop(
  targets: readonly RouteTarget[],
  activeId: UniqueIdentifier,
  overId: UniqueIdentifier | null,
  below = false,
): RouteTarget[] | null {
  if (overId === null) return null;
  const ids = chainIds(targets);
  const fromPalette = parsePaletteId(activeId);
  if (fromPalette !== null) {
    const over = ids.indexOf(String(overId));
    const at = overId === CHAIN_ID ? targets.length : over === -1 ? -1 : over + (below ? 1 : 0);
    if (at === -1) return null;
    return [...targets.slice(0, at), fromPalette, ...targets.slice(at)];
  }
  const from = ids.indexOf(String(activeId));
  const to = overId === CHAIN_ID ? targets.length - 1 : ids.indexOf(String(overId));
  if (from === -1 || to === -1 || from === to) return null;
  return arrayMove([...targets], from, to);
}

function targetLabel(t: RouteTarget, catalog: Catalog | null): string {
  const name = catalog?.providers.find((p) => p.id === t.provider)?.name ?? t.provider;
  return `${name} · ${t.model}`;
}

function ChainItem(props: {
  id: string;
  index: number;
  count: number;
  target: RouteTarget;
  catalog: Catalog | null;
  keys: readonly KeyView[];
  error?: string;
  onChange: (t: RouteTarget) => void;
  onRemove: () => void;
}) {
  const sortable = useSortable({ id: props.id });
  const { setNodeRef, transform, transition, isDragging } = sortable;
  const keySelectId = useId();
  const t = props.target;
  const providerKeys = props.keys.filter((k) => k.provider === t.provider);
  const label = targetLabel(t, props.catalog);
  return (
    <li
      ref={setNodeRef}
      className={`chain-item${isDragging ? ' dragging' : ''}`}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        borderLeftColor: providerColor(t.provider),
      }}
      data-testid="chain-item"
      data-target={`${t.provider}/${t.model}`}
    >
      <DragHandle sortable={sortable} label={label} index={props.index} count={props.count} />
      <div className="chain-target">
        <strong>{label}</strong>
        {props.error !== undefined && <span className="field-error">{props.error}</span>}
      </div>
      <label htmlFor={keySelectId} className="sr-only">
        Key for {label}
      </label>
      <select
        id={keySelectId}
        value={t.key ?? ''}
        onChange={(e) => {
          const { key: _old, ...rest } = t;
          props.onChange(e.target.value === '' ? rest : { ...rest, key: e.target.value });
        }}
      >
        <option value="">
          {providerKeys.length > 1 ? `any of ${providerKeys.length} keys` : 'provider key'}
        </option>
        {providerKeys.map((k) => (
          <option key={k.id} value={k.id}>
            only {k.label}
          </option>
        ))}
        {t.key !== undefined && !providerKeys.some((k) => k.id === t.key) && (
          <option value={t.key}>missing key {t.key}</option>
        )}
      </select>
      <button
        type="button"
        className="icon small"
        onClick={props.onRemove}
        aria-label={`Remove ${label} from the chain`}
      >
        ×
      </button>
    </li>
  );
}

function Chain(props: {
  ids: string[];
  targets: readonly RouteTarget[];
  catalog: Catalog | null;
  keys: readonly KeyView[];
  targetErrors: Record<number, string>;
  onChange: (targets: RouteTarget[]) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: CHAIN_ID });
  return (
    <SortableContext items={props.ids} strategy={verticalListSortingStrategy}>
      <ol
        ref={setNodeRef}
        className={`chain${isOver ? ' drop-active' : ''}`}
        aria-label="Fallback chain"
        data-testid="chain"
      >
        {props.targets.length === 0 && (
          <li className="muted" style={{ textAlign: 'center', padding: '28px 0' }}>
            Drop models here. The first answers; the next takes over when it is rate-limited, slow,
            down or not allowed to see the data.
          </li>
        )}
        {props.targets.map((t, i) => (
          <ChainItem
            key={props.ids[i]}
            id={props.ids[i] as string}
            index={i}
            count={props.targets.length}
            target={t}
            catalog={props.catalog}
            keys={props.keys}
            {...(props.targetErrors[i] !== undefined ? { error: props.targetErrors[i] } : {})}
            onChange={(next) =>
              props.onChange(props.targets.map((old, j) => (j === i ? next : old)))
            }
            onRemove={() => props.onChange(props.targets.filter((_, j) => j !== i))}
          />
        ))}
      </ol>
    </SortableContext>
  );
}

export type ChainEditorProps = {
  targets: readonly RouteTarget[];
  onChange: (targets: RouteTarget[]) => void;
  catalog: Catalog | null;
  keys: readonly KeyView[];
  /** Problems of single targets, by index, shown beside them. */
  targetErrors?: Record<number, string>;
  /** Shown under the chain, beside the palette (the plan preview). */
  below?: ReactNode;
};

/**
 * The route's fallback chain: models are dragged in from the palette (or added with +) and
 * reordered by pointer or keyboard (focus a handle, Space, arrows, Space), each move announced
 * to screen readers.
 */
export function ChainEditor(props: ChainEditorProps) {
  const [active, setActive] = useState<string | null>(null);
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const ids = chainIds(props.targets);
  const nameOf = (id: UniqueIdentifier): string => {
    const fromPalette = parsePaletteId(id);
    if (fromPalette !== null) return targetLabel(fromPalette, props.catalog);
    const t = props.targets[ids.indexOf(String(id))];
    return t ? targetLabel(t, props.catalog) : String(id);
  };
  const positionOf = (id: UniqueIdentifier | undefined): string => {
    if (id === undefined) return '';
    if (id === CHAIN_ID) return `the end of the chain`;
    const i = ids.indexOf(String(id));
    return i === -1 ? '' : `position ${i + 1} of ${ids.length}`;
  };
  const announcements: Announcements = {
    onDragStart: ({ active: a }) =>
      parsePaletteId(a.id) !== null
        ? `Picked up ${nameOf(a.id)} from the models.`
        : `Picked up ${nameOf(a.id)} at ${positionOf(a.id)}. Use the arrow keys to move it, Space to drop, Escape to cancel.`,
    // The first "over" of a drag is the item itself: saying so would drown out the pick-up.
    onDragOver: ({ active: a, over }) =>
      over?.id === a.id
        ? undefined
        : over && positionOf(over.id) !== ''
          ? `${nameOf(a.id)} is over ${positionOf(over.id)}.`
          : `${nameOf(a.id)} is outside the chain.`,
    onDragEnd: ({ active: a, over }) =>
      over && (over.id === CHAIN_ID || ids.includes(String(over.id)))
        ? `Dropped ${nameOf(a.id)} at ${positionOf(over.id)}.`
        : `${nameOf(a.id)} was not dropped in the chain.`,
    onDragCancel: ({ active: a }) => `Cancelled. ${nameOf(a.id)} stays where it was.`,
  };
  const onDragStart = (e: DragStartEvent) => setActive(String(e.active.id));
  const onDragEnd = (e: DragEndEvent) => {
    setActive(null);
    const dragged = e.active.rect.current.translated;
    const below =
      dragged !== null && e.over !== null
        ? dragged.top + dragged.height / 2 > e.over.rect.top + e.over.rect.height / 2
        : false;
    const next = applyDrop(props.targets, e.active.id, e.over?.id ?? null, below);
    if (next !== null) props.onChange(next);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setActive(null)}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To move a target, press Space or Enter to pick it up, the up and down arrow keys to move it, Space or Enter to drop it, or Escape to cancel.',
        },
      }}
    >
      <div className="editor-layout">
        <ChainPalette
          catalog={props.catalog}
          keys={props.keys}
          onAdd={(t) => props.onChange([...props.targets, t])}
        />
        <div className="chain-column">
          <Chain
            ids={ids}
            targets={props.targets}
            catalog={props.catalog}
            keys={props.keys}
            targetErrors={props.targetErrors ?? {}}
            onChange={props.onChange}
          />
          {props.below}
        </div>
      </div>
      <DragOverlay dropAnimation={null}>
        {active !== null && parsePaletteId(active) !== null ? (
          <div className="drag-overlay">{nameOf(active)}</div>
        ) : null}
      </DragOverlay>
    </DndContext>
  );
}
