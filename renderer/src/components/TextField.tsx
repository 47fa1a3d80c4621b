import type { InputHTMLAttributes } from 'react';
import { Field, fieldAria } from './Field.tsx';

/** A one-line text {@link Field}: the input, its label, and its hint and error wired for screen readers. */
export function TextField(
  props: Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'> & {
    id: string;
    label: string;
    value: string;
    onChange: (value: string) => void;
    hint?: string;
    error?: string;
  },
) {
  const { id, label, value, onChange, hint, error, ...input } = props;
  return (
    <Field id={id} label={label} hint={hint} error={error}>
      <input
        {...input}
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        {...fieldAria(id, { hint: hint !== undefined, error })}
      />
    </Field>
  );
}
