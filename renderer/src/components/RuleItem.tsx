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
import { describedBy } from './Field.tsx';

/** The caller formats, from the schema: a new adapter's format shows up here by itself. */
const FORMATS = RuleWhenSchema.shape.format.unwrap().options;

function ErrorText(props: { id: string; error: string | undefined }) {
  return props.error === undefined ? null : (
    <span id={`${props.id}-error`} className="field-error">
      {props.error}
    </span>
  );
}

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
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition } =
    useSortable({ id: props.id });
  const base = useId();
  const { rule, errors } = props;
  const setWhen = (when: RuleWhen) => props.onChange({ ...rule, when });
  const control = (field: string) => ({
    id: `${base}-${field}`,
    'aria-invalid': errors[field] !== undefined,
    'aria-describedby': describedBy(`${base}-${field}`, { error: errors[field] }),
  });
  return (
    <li
      ref={setNodeRef}
      className="card stack rule-item"
      style={{ transform: CSS.Transform.toString(transform), transition, gap: 8 }}
      data-testid="rule-item"
      data-rule={rule.name}
    >
      <div className="row">
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="drag-handle"
          {...attributes}
          {...listeners}
          aria-label={`Move rule ${rule.name || '(no name)'}, position ${props.index + 1} of ${props.count}`}
        >
          ⠿
        </button>
        <span className="chain-index">{props.index + 1}.</span>
        <div className="field">
          <label htmlFor={`${base}-name`}>Rule name</label>
          <input
            {...control('name')}
            value={rule.name}
            onChange={(e) => props.onChange({ ...rule, name: e.target.value })}
          />
          <ErrorText id={`${base}-name`} error={errors.name} />
        </div>
        <div className="field">
          <label htmlFor={`${base}-route`}>Route</label>
          <select
            {...control('route')}
            value={rule.route}
            onChange={(e) => props.onChange({ ...rule, route: e.target.value })}
          >
            {!props.routeNames.includes(rule.route) && (
              <option value={rule.route}>{rule.route || '(choose)'}</option>
            )}
            {props.routeNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <ErrorText id={`${base}-route`} error={errors.route} />
        </div>
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
        {GLOB_FIELDS.map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`${base}-${field}`}>{FIELD_LABELS[field]}</label>
            <input
              {...control(field)}
              className="mono"
              placeholder="any"
              value={rule.when[field] ?? ''}
              onChange={(e) =>
                setWhen(
                  withCondition(
                    rule.when,
                    field,
                    e.target.value === '' ? undefined : e.target.value,
                  ),
                )
              }
            />
            <ErrorText id={`${base}-${field}`} error={errors[field]} />
          </div>
        ))}
        {TOKEN_FIELDS.map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`${base}-${field}`}>{FIELD_LABELS[field]}</label>
            <input
              {...control(field)}
              type="number"
              min={0}
              placeholder="any"
              value={rule.when[field] ?? ''}
              onChange={(e) =>
                setWhen(
                  withCondition(
                    rule.when,
                    field,
                    e.target.value === '' ? undefined : Number(e.target.value),
                  ),
                )
              }
            />
            <ErrorText id={`${base}-${field}`} error={errors[field]} />
          </div>
        ))}
        <div className="field">
          <label htmlFor={`${base}-format`}>{FIELD_LABELS.format}</label>
          <select
            {...control('format')}
            value={rule.when.format ?? ''}
            onChange={(e) =>
              setWhen(
                withCondition(
                  rule.when,
                  'format',
                  e.target.value === 'openai' || e.target.value === 'anthropic'
                    ? e.target.value
                    : undefined,
                ),
              )
            }
          >
            <option value="">any</option>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </div>
        {FLAG_FIELDS.map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`${base}-${field}`}>{FIELD_LABELS[field]}</label>
            <select
              {...control(field)}
              value={rule.when[field] === undefined ? '' : rule.when[field] ? 'yes' : 'no'}
              onChange={(e) =>
                setWhen(
                  withCondition(
                    rule.when,
                    field,
                    e.target.value === '' ? undefined : e.target.value === 'yes',
                  ),
                )
              }
            >
              <option value="">either</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </select>
          </div>
        ))}
      </div>
    </li>
  );
}
