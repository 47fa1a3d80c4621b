import type { AttemptRecord, RequestDetail } from '../../../app/admin/types.ts';
import { formatClock, formatDateTime, formatMs, formatUsd } from '../lib/format.ts';
import { providerColor } from '../lib/providerColor.ts';
import { useStore } from '../store/index.ts';

const OUTCOME_WORDS: Record<AttemptRecord['outcome'], string> = {
  ok: 'answered',
  failed: 'failed',
  'failed-mid-stream': 'failed mid-stream',
  aborted: 'aborted',
  'lost-race': 'lost the race',
  skipped: 'skipped',
};

/**
 * One attempt in a sentence, as a person retells it: "429 after 120 ms, cooled until 10:42: rate
 * limited…" or "answered in 640 ms, first token at 210 ms".
 */
export function describeAttempt(a: AttemptRecord): string {
  if (a.outcome === 'ok') {
    const first = a.firstTokenMs !== null ? `, first token at ${formatMs(a.firstTokenMs)}` : '';
    return `answered in ${formatMs(a.totalMs)}${first}`;
  }
  if (a.outcome === 'skipped') return `skipped${a.reason ? `: ${a.reason}` : ''}`;
  const status = a.status === 0 ? 'no answer' : String(a.status);
  const after = a.totalMs ?? a.headersMs;
  const when = after !== null ? ` after ${formatMs(after)}` : '';
  const what =
    a.outcome === 'failed' ? `${status}${when}` : `${OUTCOME_WORDS[a.outcome]} (${status})${when}`;
  return `${what}${held(a)}${a.reason ? `: ${a.reason}` : ''}`;
}

/** ", cooled until 10:42" or ", key parked until Nov 26, 09:00": what the failure did to the target. */
function held(a: AttemptRecord): string {
  if (a.holdUntil === null) return '';
  if (a.failureClass === 'exhausted') return `, key parked until ${formatDateTime(a.holdUntil)}`;
  return `, cooled until ${formatClock(a.holdUntil)}`;
}

function markerColor(a: AttemptRecord): string {
  if (a.outcome === 'ok') return 'var(--ok)';
  if (a.outcome === 'lost-race' || a.outcome === 'skipped' || a.outcome === 'aborted') {
    return 'var(--neutral)';
  }
  return a.status === 429 ? 'var(--warn)' : 'var(--bad)';
}

/** A request's attempts in order, each with its sentence and a bar on one shared time scale. */
export function AttemptTimeline(props: {
  detail: RequestDetail;
  keyLabel: (id: string) => string;
}) {
  const { request, attempts } = props.detail;
  // The model watch's current word on each attempt's model (gone or being retired).
  const watch = useStore((s) => s.modelWatch);
  const flagOf = (a: AttemptRecord) =>
    watch.find((e) => e.state !== 'ok' && e.provider === a.provider && e.model === a.model);
  const span = Math.max(
    request.totalMs,
    ...attempts.map((a) => a.startedAt - request.startedAt + (a.totalMs ?? 0)),
    1,
  );
  return (
    <ol className="timeline" aria-label="Attempts">
      {attempts.map((a) => {
        const offset = Math.max(0, a.startedAt - request.startedAt);
        const width = a.totalMs ?? a.headersMs ?? 0;
        return (
          <li key={a.index} style={{ ['--marker' as string]: markerColor(a) }}>
            <div>
              <strong>
                {a.index + 1}. {a.provider}
              </strong>{' '}
              <span className="mono small">{a.model}</span>
              {flagOf(a) !== undefined && (
                <span className="pill warn small" title={flagOf(a)?.reason ?? undefined}>
                  model {flagOf(a)?.state}
                </span>
              )}
              {a.keyId !== null && (
                <span className="muted small"> · key {props.keyLabel(a.keyId)}</span>
              )}
              {a.hedged && (
                <span className="pill info" style={{ marginLeft: 6 }}>
                  hedge
                </span>
              )}
            </div>
            <div data-testid="attempt-sentence">
              {a.index > 0 && <span className="muted">at +{formatMs(offset)}: </span>}
              {describeAttempt(a)}
            </div>
            {(a.tokensIn !== null || a.costUsd !== null) && (
              <div className="small muted">
                {a.tokensIn ?? '–'} → {a.tokensOut ?? '–'} tokens
                {a.costUsd !== null ? ` · ${formatUsd(a.costUsd)}` : ''}
              </div>
            )}
            <div className="timeline-bar" aria-hidden="true">
              <span
                style={{
                  left: `${(offset / span) * 100}%`,
                  width: `${Math.max(0.5, (width / span) * 100)}%`,
                  background: providerColor(a.provider),
                  opacity: a.outcome === 'ok' ? 1 : 0.55,
                }}
              />
              {a.firstTokenMs !== null && (
                <span
                  className="ttft"
                  style={{ left: `${((offset + a.firstTokenMs) / span) * 100}%` }}
                />
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
