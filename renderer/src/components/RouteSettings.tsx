import { useId } from 'react';
import type { Route } from '../../../app/config/schema.ts';
import type { RouteProblems } from '../lib/routeValidation.ts';
import { AliasEditor } from './AliasEditor.tsx';
import { describedBy, Field, fieldAria } from './Field.tsx';
import { Select, type Choice } from './Select.tsx';
import { TextField } from './TextField.tsx';

const ON_LIMIT: Choice<Route['onLimit']['mode']>[] = [
  { value: 'spill', label: 'Move on to the next target' },
  { value: 'wait', label: 'Wait for it, up to a limit' },
];

const PRIVACY: Choice<Route['privacy']>[] = [
  { value: 'standard', label: 'Standard' },
  { value: 'sensitive', label: 'Sensitive: only providers that do not train on it' },
];

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The numbers a route may leave out, by the route's own field names. */
const OPTIONAL_NUMBERS = {
  latencyBudgetMs: {
    label: 'Latency budget (ms to first byte)',
    hint: 'Optional. Past it, the next target starts beside the slow one; the first to answer wins.',
    min: 50,
    step: 100,
    placeholder: 'none',
  },
  paidBudgetUsdPerDay: {
    label: 'Paid budget (USD per day)',
    hint: 'Optional. Once spent, paid keys are skipped until midnight.',
    min: 0,
    step: 0.5,
    placeholder: 'no cap',
  },
} as const;

type OptionalNumber = keyof typeof OPTIONAL_NUMBERS;

/** A number the route may leave out: an empty box means "none". */
function OptionalNumberField(props: {
  id: string;
  label: string;
  hint: string;
  error: string | undefined;
  min: number;
  step: number;
  placeholder: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
}) {
  const { id, error } = props;
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error}>
      <input
        id={id}
        type="number"
        min={props.min}
        step={props.step}
        placeholder={props.placeholder}
        value={props.value ?? ''}
        onChange={(e) => props.onChange(numberOrUndefined(e.target.value))}
        {...fieldAria(id, { hint: true, error })}
      />
    </Field>
  );
}

/** One route's settings beside its chain: name, aliases, limits, latency, privacy, budget. */
export function RouteSettings(props: {
  route: Route;
  problems: RouteProblems;
  onChange: (route: Route) => void;
}) {
  const ids = {
    name: useId(),
    onLimit: useId(),
    wait: useId(),
    latencyBudgetMs: useId(),
    privacy: useId(),
    paidBudgetUsdPerDay: useId(),
  };
  const { route, problems } = props;
  const set = (patch: Partial<Route>) => props.onChange({ ...route, ...patch });
  const without = <K extends keyof Route>(key: K, value: Route[K] | undefined): Route => {
    const { [key]: _old, ...rest } = route;
    return (value === undefined ? rest : { ...rest, [key]: value }) as Route;
  };
  const optionalNumber = (field: OptionalNumber) => (
    <OptionalNumberField
      {...OPTIONAL_NUMBERS[field]}
      id={ids[field]}
      error={problems[field]}
      value={route[field]}
      onChange={(value) => props.onChange(without(field, value))}
    />
  );
  return (
    <div className="form-grid" style={{ alignItems: 'start' }}>
      <TextField
        id={ids.name}
        label="Route name"
        hint="The model name your tools ask for."
        error={problems.name}
        value={route.name}
        onChange={(name) => set({ name })}
        spellCheck={false}
      />
      <AliasEditor
        aliases={route.aliases ?? []}
        errors={problems.alias}
        onChange={(aliases) =>
          props.onChange(without('aliases', aliases.length > 0 ? aliases : undefined))
        }
      />
      <Field id={ids.onLimit} label="When a target is at its limit">
        <Select
          id={ids.onLimit}
          value={route.onLimit.mode}
          choices={ON_LIMIT}
          onChange={(mode) =>
            set({
              onLimit: mode === 'wait' ? { mode: 'wait', maxWaitMs: 5000 } : { mode: 'spill' },
            })
          }
        />
      </Field>
      {route.onLimit.mode === 'wait' && (
        <Field id={ids.wait} label="Longest wait (ms)" error={problems.onLimit}>
          <input
            id={ids.wait}
            type="number"
            min={0}
            max={120000}
            step={500}
            value={route.onLimit.maxWaitMs}
            onChange={(e) =>
              set({ onLimit: { mode: 'wait', maxWaitMs: numberOrUndefined(e.target.value) ?? 0 } })
            }
            {...fieldAria(ids.wait, { error: problems.onLimit })}
          />
        </Field>
      )}
      {optionalNumber('latencyBudgetMs')}
      <Field
        id={ids.privacy}
        label="Privacy"
        hint={`Sensitive skips every provider whose data policy for the key's tier is not a clear "no training" (local servers always qualify).`}
      >
        <Select
          id={ids.privacy}
          value={route.privacy}
          choices={PRIVACY}
          onChange={(privacy) => set({ privacy })}
          aria-describedby={describedBy(ids.privacy, { hint: true })}
        />
      </Field>
      {optionalNumber('paidBudgetUsdPerDay')}
    </div>
  );
}
