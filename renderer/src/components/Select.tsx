import type { SelectHTMLAttributes } from 'react';
import type { Provider } from '../../../app/catalog/schema.ts';

/** One entry of a {@link Select}: a bare value is its own label. */
export type Choice<T extends string> = T | { value: T; label: string };

/** The catalog's providers as choices: by id, labelled by name. */
export function providerChoices(providers: readonly Provider[]): Choice<string>[] {
  return providers.map((p) => ({ value: p.id, label: p.name }));
}

/**
 * A `<select>` over a list of choices. `onChange` hands back the chosen value as one of the
 * choices' own values, so a caller with a union of literals needs no cast from the DOM's string.
 */
export function Select<T extends string>(
  props: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'children'> & {
    choices: readonly Choice<T>[];
    value: T;
    onChange: (value: T) => void;
  },
) {
  const { choices, value, onChange, ...rest } = props;
  const entries = choices.map((c) => (typeof c === 'string' ? { value: c, label: c } : c));
  return (
    <select
      {...rest}
      value={value}
      onChange={(e) => {
        const picked = entries.find((c) => c.value === e.target.value);
        if (picked !== undefined) onChange(picked.value);
      }}
    >
      {entries.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
