import { useId, type CSSProperties, type InputHTMLAttributes, type ReactNode } from 'react';

/**
 * A one-field form on one line: a labelled input, its submit button and Cancel. Submit stays
 * disabled while the form is busy or the value is not complete yet.
 */
export function InlineForm(props: {
  label: ReactNode;
  input: Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;
  value: string;
  onChange: (value: string) => void;
  complete: boolean;
  busy: boolean;
  submit: string;
  onSubmit: () => void;
  onCancel: () => void;
  style?: CSSProperties;
}) {
  const id = useId();
  return (
    <form
      className="row"
      style={props.style}
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <label htmlFor={id} className="inline">
        {props.label}
        <input
          {...props.input}
          id={id}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </label>
      <button type="submit" className="small primary" disabled={props.busy || !props.complete}>
        {props.submit}
      </button>
      <button type="button" className="small" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  );
}
