import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { useId } from 'react';
import { RuleWhenSchema, type Rule, type RuleWhen } from '../../../app/config/schema.ts';
import {
  FIELD_LABELS,
  FLAG_FIELDS,
  GLOB_FIELDS,
  TOKEN_FIELDS,
  withCondition,
} from '../lib/ruleForm.ts';
import { DragHandle } from './DragHandle.tsx';
import { Field, fieldAria } from './Field.tsx';
import { Select } from './Select.tsx';
import { TextField } from './TextField.tsx';

/** The caller formats, from the schema: a new adapter's format shows up here by itself. */
const FORMATS = RuleWhenSchema.shape.format.unwrap().options;

const FORMAT_CHOICES = [{ value: '', label: 'any' }, ...FORMATS];

const FLAG_CHOICES = [
  { value: '', label: 'either' },
  { value: 'yes', label: 'yes' },
  { value: 'no', label: 'no' },
];

/** One rule: a drag handle, its name and route, and each condition as a field with its error. */
export function RuleItem(props: {
  id: string;
  index: number;
  count: number;
  rule: Rule;
  routeNames: readonly string[];
  errors: Record<string, string>;
  onChange: (rule: Rule) => void;
  onRemove: () => void;
}) {
  const sortable = useSortable({ id: props.id });
  const { setNodeRef, transform, transition } = sortable;
  const base = useId();
  const { rule, errors } = props;
  const setCondition = <F extends keyof RuleWhen>(field: F, value: RuleWhen[F] | undefined) =>
    props.onChange({ ...rule, when: withCondition(rule.when, field, value) });
  // A field's id, label and error, by the name its error is kept under.
  const field = (name: string, label: string) => ({
    id: `${base}-${name}`,
    label,
    error: errors[name],
  });
  const control = (name: string) => fieldAria(`${base}-${name}`, { error: errors[name] });
  return (
    <li
      ref={setNodeRef}
      className="card stack rule-item"
      style={{ transform: CSS.Transform.toString(transform), transition, gap: 8 }}
      data-testid="rule-item"
      data-rule={rule.name}
    >
      <div className="row">
        <DragHandle
          sortable={sortable}
          label={`rule ${rule.name || '(no name)'}`}
          index={props.index}
          count={props.count}
        />
        <TextField
          {...field('name', 'Rule name')}
          value={rule.name}
          onChange={(name) => props.onChange({ ...rule, name })}
        />
        <Field {...field('route', 'Route')}>
          <Select
            id={`${base}-route`}
            {...control('route')}
            value={rule.route}
            choices={[
              ...(props.routeNames.includes(rule.route)
                ? []
                : [{ value: rule.route, label: rule.route || '(choose)' }]),
              ...props.routeNames,
            ]}
            onChange={(route) => props.onChange({ ...rule, route })}
          />
        </Field>
        <button
          type="button"
          className="icon small"
          onClick={props.onRemove}
          aria-label={`Remove rule ${rule.name}`}
        >
          ×
        </button>
      </div>
      <div className="rule-conditions">
        {GLOB_FIELDS.map((name) => (
          <TextField
            key={name}
            {...field(name, FIELD_LABELS[name])}
            className="mono"
            placeholder="any"
            value={rule.when[name] ?? ''}
            onChange={(value) => setCondition(name, value === '' ? undefined : value)}
          />
        ))}
        {TOKEN_FIELDS.map((name) => (
          <TextField
            key={name}
            {...field(name, FIELD_LABELS[name])}
            type="number"
            min={0}
            placeholder="any"
            value={String(rule.when[name] ?? '')}
            onChange={(value) => setCondition(name, value === '' ? undefined : Number(value))}
          />
        ))}
        <Field id={`${base}-format`} label={FIELD_LABELS.format}>
          <Select
            id={`${base}-format`}
            {...control('format')}
            value={rule.when.format ?? ''}
            choices={FORMAT_CHOICES}
            onChange={(value) =>
              setCondition(
                'format',
                FORMATS.find((f) => f === value),
              )
            }
          />
        </Field>
        {FLAG_FIELDS.map((name) => (
          <Field key={name} id={`${base}-${name}`} label={FIELD_LABELS[name]}>
            <Select
              id={`${base}-${name}`}
              {...control(name)}
              value={rule.when[name] === undefined ? '' : rule.when[name] ? 'yes' : 'no'}
              choices={FLAG_CHOICES}
              onChange={(value) => setCondition(name, value === '' ? undefined : value === 'yes')}
            />
          </Field>
        ))}
      </div>
    </li>
  );
}
