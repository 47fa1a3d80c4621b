/** A column of a {@link TableHead}: a bare label, or one of figures that aligns right. */
export type Column = string | { label: string; num: true };

/** Columns of figures, headed right-aligned. */
export function figures(...labels: string[]): Column[] {
  return labels.map((label) => ({ label, num: true }));
}

/** A table's header row; a column of figures is headed right-aligned, as its cells are. */
export function TableHead(props: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c}>{c}</th>
          ) : (
            <th key={c.label} className="num">
              {c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
