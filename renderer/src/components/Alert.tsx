import type { CSSProperties } from 'react';

/**
 * A failure message beside the controls it concerns, announced to screen readers as it appears;
 * nothing while there is none. The look defaults to a field's error text.
 */
export function Alert(props: {
  message: string | null | undefined;
  className?: string;
  style?: CSSProperties;
}) {
  if (props.message === null || props.message === undefined) return null;
  return (
    <div className={props.className ?? 'field-error'} role="alert" style={props.style}>
      {props.message}
    </div>
  );
}
