import { useId, useState } from 'react';
import type { SkipReason } from '../../../app/routing/plan.ts';
import { formatClock, formatCountdown, formatUsd } from '../lib/format.ts';
import {
  previewPlan,
  previewRows,
  type PreviewCandidate,
  type PreviewInput,
} from '../lib/planPreview.ts';
import { providerColor } from '../lib/providerColor.ts';
import { Checkbox } from './Checkbox.tsx';

const SKIP_WORDS: Record<SkipReason, { tone: string; word: string }> = {
  cooling: { tone: 'warn', word: 'cooling' },
  parked: { tone: 'parked', word: 'parked' },
  invalid: { tone: 'bad', word: 'key invalid' },
  open: { tone: 'warn', word: 'circuit open' },
  'half-open': { tone: 'warn', word: 'probing' },
  privacy: { tone: 'bad', word: 'excluded by privacy' },
  budget: { tone: 'warn', word: 'over budget' },
  context: { tone: 'neutral', word: 'prompt too big' },
  images: { tone: 'neutral', word: 'takes no images' },
  tools: { tone: 'neutral', word: 'takes no tools' },
  'no-capacity': { tone: 'warn', word: 'no capacity' },
};

const PROMPT_SIZES = [
  { chars: 2_000, label: 'Short prompt (~500 tokens)' },
  { chars: 40_000, label: 'Long prompt (~10k tokens)' },
  { chars: 400_000, label: 'Huge prompt (~100k tokens)' },
  { chars: 2_000_000, label: 'Whole repository (~500k tokens)' },
];

/** What the page knows; the prompt's size, images and sensitivity are picked here. */
export type PlanPreviewProps = Omit<
  PreviewInput,
  'promptChars' | 'sensitive' | 'hasImages' | 'timeZone'
>;

function label(c: PreviewCandidate): string {
  return `${c.provider.name} · ${c.model}${c.keyLabel !== null ? ` · ${c.keyLabel}` : ''}`;
}

/**
 * Which target would serve this route right now and why each other one would be skipped,
 * computed by the engine's own planRoute on the draft route and the engine's live quota.
 */
export function PlanPreview(props: PlanPreviewProps) {
  const ids = { size: useId(), sensitive: useId(), images: useId(), title: useId() };
  const [promptChars, setPromptChars] = useState(PROMPT_SIZES[0]?.chars ?? 2000);
  const [sensitive, setSensitive] = useState(false);
  const [hasImages, setHasImages] = useState(false);
  const preview = previewPlan({
    ...props,
    promptChars,
    sensitive,
    hasImages,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const { plan, unusable } = preview;
  const rows = previewRows(preview);
  const soonest = plan.skipped
    .map((s) => s.until)
    .filter((u): u is number => u !== undefined)
    .sort((a, b) => a - b)[0];

  return (
    <section className="card stack" aria-labelledby={ids.title} style={{ gap: 10 }}>
      <div className="row spread">
        <h3 id={ids.title}>If a request came in now</h3>
        <span className="small muted">
          paid spend today {formatUsd(props.paidSpendTodayUsd)}
          {props.route.paidBudgetUsdPerDay !== undefined
            ? ` of ${formatUsd(props.route.paidBudgetUsdPerDay)}`
            : ''}
        </span>
      </div>
      <div className="row">
        <label htmlFor={ids.size} className="inline">
          <span className="sr-only">Prompt size</span>
          <select
            id={ids.size}
            value={promptChars}
            onChange={(e) => setPromptChars(Number(e.target.value))}
          >
            {PROMPT_SIZES.map((s) => (
              <option key={s.chars} value={s.chars}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <Checkbox
          id={ids.images}
          label="Prompt holds an image"
          checked={hasImages}
          onChange={setHasImages}
        />
        {props.detectSensitive && (
          <Checkbox
            id={ids.sensitive}
            label="Prompt holds secrets or personal data"
            checked={sensitive}
            onChange={setSensitive}
          />
        )}
      </div>
      <ol className="plan-list" aria-live="polite" aria-label="Plan preview">
        {rows.map((row, i) => {
          const c = row.candidate;
          return (
            <li
              key={`${c.provider.id}|${c.model}|${c.keyId ?? ''}|${i}`}
              className={`plan-item ${row.kind === 'serves' ? 'serves' : row.kind === 'skipped' ? 'skipped' : ''}`}
              data-testid="plan-row"
              data-kind={row.kind}
            >
              <span
                className="swatch"
                style={{ background: providerColor(c.provider.id), width: 12, height: 12 }}
                aria-hidden="true"
              />
              <div style={{ minWidth: 0 }}>
                <div>{label(c)}</div>
                {row.kind === 'skipped' && <div className="small muted">{row.message}</div>}
              </div>
              {row.kind === 'serves' ? (
                <span className="pill ok">serves now</span>
              ) : row.kind === 'fallback' ? (
                <span className="pill outline">next, #{row.position + 1}</span>
              ) : (
                <span className={`pill ${SKIP_WORDS[row.reason].tone}`}>
                  {SKIP_WORDS[row.reason].word}
                  {row.until !== undefined && row.until > props.now
                    ? `, ${formatCountdown(row.until - props.now)}`
                    : ''}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {rows.length > 0 && plan.candidates.length === 0 && (
        <div className="banner bad" role="status">
          Nothing in this chain can serve a request now
          {soonest !== undefined ? `; the first target is back at ${formatClock(soonest)}` : ''}.
          Add a target, or let the route wait for capacity.
        </div>
      )}
      {unusable.length > 0 && (
        <ul
          className="small"
          style={{ margin: 0, color: 'var(--warn)' }}
          aria-label="Targets that cannot be used"
        >
          {unusable.map((u) => (
            <li key={u}>{u}</li>
          ))}
        </ul>
      )}
      {rows.length === 0 && unusable.length === 0 && (
        <p className="muted" style={{ margin: 0 }}>
          Add a target to the chain to see which one would answer.
        </p>
      )}
    </section>
  );
}
