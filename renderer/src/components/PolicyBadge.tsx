import type { DataPolicy, Source } from '../../../app/catalog/schema.ts';
import { sourceFor } from '../lib/sources.ts';
import { ExternalLink } from './ExternalLink.tsx';

type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral' | 'outline';

type Badge = { field: string; tone: Tone; text: string; title: string };

const TRAINS: Record<DataPolicy['trainsOnFreeInputs'], { tone: Tone; text: string }> = {
  yes: { tone: 'bad', text: 'Trains on free-tier prompts' },
  'opt-out': { tone: 'warn', text: 'Trains on free-tier prompts unless you opt out' },
  no: { tone: 'ok', text: 'No training on free-tier prompts' },
  unknown: { tone: 'neutral', text: 'Training on free-tier prompts: unknown' },
};

const ZDR: Record<DataPolicy['zeroDataRetention'], { tone: Tone; text: string }> = {
  available: { tone: 'ok', text: 'Zero data retention available' },
  'by-agreement': { tone: 'info', text: 'Zero data retention by agreement' },
  no: { tone: 'warn', text: 'No zero data retention' },
  unknown: { tone: 'neutral', text: 'Zero data retention: unknown' },
};

/** The badges of a provider's data policy, in reading order. */
export function policyBadges(policy: DataPolicy): Badge[] {
  const trains = TRAINS[policy.trainsOnFreeInputs];
  const zdr = ZDR[policy.zeroDataRetention];
  return [
    {
      field: 'dataPolicy.trainsOnFreeInputs',
      ...trains,
      title: `Paid tier: ${policy.trainsOnPaidInputs === 'yes' ? 'trains on prompts' : policy.trainsOnPaidInputs === 'no' ? 'no training' : policy.trainsOnPaidInputs}`,
    },
    {
      field: 'dataPolicy.retention',
      tone: policy.retention === 'unknown' ? 'neutral' : 'outline',
      text: policy.retention === 'unknown' ? 'Retention: unknown' : 'Retention',
      title: policy.retention,
    },
    { field: 'dataPolicy.zeroDataRetention', ...zdr, title: zdr.text },
    {
      field: 'dataPolicy.jurisdiction',
      tone: policy.jurisdiction === 'unknown' ? 'neutral' : 'outline',
      text: `Jurisdiction: ${policy.jurisdiction}`,
      title: `Data is processed under ${policy.jurisdiction} jurisdiction`,
    },
  ];
}

/**
 * What a provider does with prompts, one badge per fact, each linked to the page that says so
 * and the date someone last checked it. Facts without a source say "unknown" plainly.
 */
export function PolicyBadges(props: { policy: DataPolicy; sources: readonly Source[] }) {
  const badges = policyBadges(props.policy);
  return (
    <div className="stack" style={{ gap: 6 }}>
      <ul
        className="badges"
        aria-label="Data policy"
        style={{ listStyle: 'none', margin: 0, padding: 0 }}
      >
        {badges.map((badge) => {
          const source = sourceFor(props.sources, badge.field);
          return (
            <li key={badge.field}>
              <span className={`pill ${badge.tone}`} title={badge.title}>
                {badge.text}
                {source && (
                  <ExternalLink href={source.url} className="small">
                    <span className="sr-only">source, </span>
                    <span
                      title={`Source${source.note ? ` (${source.note})` : ''}, checked ${source.checked}`}
                    >
                      ↗ {source.checked}
                    </span>
                  </ExternalLink>
                )}
              </span>
            </li>
          );
        })}
      </ul>
      {props.policy.retention !== 'unknown' && (
        <p className="small muted" style={{ margin: 0 }}>
          <strong>Retention:</strong> {props.policy.retention}
        </p>
      )}
    </div>
  );
}
