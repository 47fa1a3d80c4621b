import { useId } from 'react';
import type { Route } from '../../../app/config/schema.ts';
import type { RouteProblems } from '../lib/routeValidation.ts';
import { AliasEditor } from './AliasEditor.tsx';
import { describedBy, Field, fieldAria } from './Field.tsx';

function numberOrUndefined(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

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
    latency: useId(),
    privacy: useId(),
    budget: useId(),
  };
  const { route, problems } = props;
  const set = (patch: Partial<Route>) => props.onChange({ ...route, ...patch });
  const without = <K extends keyof Route>(key: K, value: Route[K] | undefined): Route => {
    const { [key]: _old, ...rest } = route;
    return (value === undefined ? rest : { ...rest, [key]: value }) as Route;
  };
  return (
    <div className="form-grid" style={{ alignItems: 'start' }}>
      <Field
        id={ids.name}
        label="Route name"
        hint="The model name your tools ask for."
        error={problems.name}
      >
        <input
          id={ids.name}
          value={route.name}
          onChange={(e) => set({ name: e.target.value })}
          {...fieldAria(ids.name, { hint: true, error: problems.name })}
          spellCheck={false}
        />
      </Field>
      <AliasEditor
        aliases={route.aliases ?? []}
        errors={problems.alias}
        onChange={(aliases) =>
          props.onChange(without('aliases', aliases.length > 0 ? aliases : undefined))
        }
      />
      <Field id={ids.onLimit} label="When a target is at its limit">
        <select
          id={ids.onLimit}
          value={route.onLimit.mode}
          onChange={(e) =>
            set({
              onLimit:
                e.target.value === 'wait' ? { mode: 'wait', maxWaitMs: 5000 } : { mode: 'spill' },
            })
          }
        >
          <option value="spill">Move on to the next target</option>
          <option value="wait">Wait for it, up to a limit</option>
        </select>
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
      <OptionalNumberField
        id={ids.latency}
        label="Latency budget (ms to first byte)"
        hint="Optional. Past it, the next target starts beside the slow one; the first to answer wins."
        error={problems.latencyBudgetMs}
        min={50}
        step={100}
        placeholder="none"
        value={route.latencyBudgetMs}
        onChange={(value) => props.onChange(without('latencyBudgetMs', value))}
      />
      <Field
        id={ids.privacy}
        label="Privacy"
        hint={`Sensitive skips every provider whose data policy for the key's tier is not a clear "no training" (local servers always qualify).`}
      >
        <select
          id={ids.privacy}
          value={route.privacy}
          onChange={(e) => set({ privacy: e.target.value as Route['privacy'] })}
          aria-describedby={describedBy(ids.privacy, { hint: true })}
        >
          <option value="standard">Standard</option>
          <option value="sensitive">Sensitive: only providers that do not train on it</option>
        </select>
      </Field>
      <OptionalNumberField
        id={ids.budget}
        label="Paid budget (USD per day)"
        hint="Optional. Once spent, paid keys are skipped until midnight."
        error={problems.paidBudgetUsdPerDay}
        min={0}
        step={0.5}
        placeholder="no cap"
        value={route.paidBudgetUsdPerDay}
        onChange={(value) => props.onChange(without('paidBudgetUsdPerDay', value))}
      />
    </div>
  );
}
