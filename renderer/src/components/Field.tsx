import type { ReactNode } from 'react';

/** The ids a control names in aria-describedby: its field's hint and error, when shown. */
export function describedBy(
  id: string,
  shown: { hint?: boolean; error?: string | undefined },
): string | undefined {
  const ids = [
    shown.hint === true ? `${id}-hint` : '',
    shown.error !== undefined ? `${id}-error` : '',
  ]
    .filter((x) => x !== '')
    .join(' ');
  return ids === '' ? undefined : ids;
}

/** The aria props of a field's control: invalid exactly while its error shows, described by hint and error. */
export function fieldAria(
  id: string,
  shown: { hint?: boolean; error?: string | undefined },
): { 'aria-invalid': boolean; 'aria-describedby': string | undefined } {
  return { 'aria-invalid': shown.error !== undefined, 'aria-describedby': describedBy(id, shown) };
}

/**
 * A labelled form field with an optional hint and error beneath. The label names the control
 * and nothing else; hint and error reach screen readers through aria-describedby (see
 * {@link describedBy}), so a control's name stays short and stable while its error changes.
 */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint !== undefined && (
        <span id={`${props.id}-hint`} className="small muted">
          {props.hint}
        </span>
      )}
      {props.error !== undefined && (
        <span id={`${props.id}-error`} className="field-error">
          {props.error}
        </span>
      )}
    </div>
  );
}
