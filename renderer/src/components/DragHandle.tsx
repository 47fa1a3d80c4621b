import type { useSortable } from '@dnd-kit/sortable';

type Sortable = ReturnType<typeof useSortable>;

/**
 * The grip of a sortable list item and its number. The grip alone starts a drag (pointer or
 * keyboard), so the item's own fields stay usable; its name says where the item stands.
 */
export function DragHandle(props: {
  sortable: Pick<Sortable, 'attributes' | 'listeners' | 'setActivatorNodeRef'>;
  label: string;
  index: number;
  count: number;
}) {
  const { attributes, listeners, setActivatorNodeRef } = props.sortable;
  return (
    <>
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="drag-handle"
        {...attributes}
        {...listeners}
        aria-label={`Move ${props.label}, position ${props.index + 1} of ${props.count}`}
      >
        ⠿
      </button>
      <span className="chain-index">{props.index + 1}.</span>
    </>
  );
}
