import type { KeyView } from '../../../app/admin/types.ts';
import type { LimitWindow } from '../../../app/limiter/state.ts';
import {
  poolStatusNow,
  remainingNow,
  type LimiterPoolView,
  type LimiterWindowView,
  type WindowSource,
} from '../../../app/limiter/view.ts';
import { WINDOW_LABELS } from '../../../app/limiter/windows.ts';
import { formatClock, formatCount, formatCountdown } from '../lib/format.ts';
import { providerColor } from '../lib/providerColor.ts';

const SHORT_LABELS: Record<LimitWindow, string> = {
  rps: 'Requests/s',
  rpm: 'Requests/min',
  rph: 'Requests/h',
  rpd: 'Requests/day',
  tps: 'Tokens/s',
  tpm: 'Tokens/min',
  itpm: 'Input tok/min',
  otpm: 'Output tok/min',
  tph: 'Tokens/h',
  tpd: 'Tokens/day',
  tpmonth: 'Tokens/month',
};

/** On the bar, short; the meter's spoken text and tooltip say it in full. */
const SOURCE_SHORT: Record<WindowSource, string> = {
  headers: 'from headers',
  local: 'counted locally',
  catalog: 'catalog limit',
  config: 'your limit',
};

const SOURCE_LABELS: Record<WindowSource, string> = {
  headers: "from the provider's headers",
  local: 'counted locally',
  catalog: 'catalog limit, nothing counted yet',
  config: 'your limit, nothing counted yet',
};

export type GaugeTone = 'ok' | 'warn' | 'bad' | 'parked' | 'neutral';

/** What a gauge says about a target as a whole: a colour, a word, and why. */
export type GaugeStatus = { tone: GaugeTone; label: string; reason?: string };

/**
 * The status a gauge shows, most serious first: a locked keychain or a refused key stop the
 * target whatever its quota says; a hold whose time has passed no longer counts.
 */
export function gaugeStatus(
  pool: Pick<LimiterPoolView, 'status'>,
  key: Pick<KeyView, 'status' | 'source'> | undefined,
  keychainLocked: boolean,
  now: number,
): GaugeStatus {
  if (keychainLocked && key?.source === 'keychain') {
    return {
      tone: 'neutral',
      label: 'Keychain locked',
      reason: 'Unlock the OS keychain so Switchyard can read this key.',
    };
  }
  const status = poolStatusNow(pool, key === undefined ? undefined : key.status === 'invalid', now);
  if (status.state === 'invalid') {
    return {
      tone: 'bad',
      label: 'Key invalid',
      reason: status.reason ?? 'The provider refused this key; replace it on Providers & keys.',
    };
  }
  if (key?.status === 'missing') {
    return {
      tone: 'bad',
      label: 'Key missing',
      reason: 'Its secret is neither in the keychain nor in its environment variable.',
    };
  }
  const { state, until, reason } = status;
  if (state === 'parked' && until !== undefined) {
    return {
      tone: 'parked',
      label: `Parked until ${formatClock(until)}`,
      ...(reason !== undefined ? { reason } : {}),
    };
  }
  if (state === 'cooling' && until !== undefined) {
    return {
      tone: 'warn',
      label: `Cooling, ${formatCountdown(until - now)}`,
      ...(reason !== undefined ? { reason } : {}),
    };
  }
  return { tone: 'ok', label: 'Ready' };
}

function fillTone(ratio: number): 'ok' | 'warn' | 'bad' {
  if (ratio > 0.5) return 'ok';
  if (ratio > 0.15) return 'warn';
  return 'bad';
}

/** One window as a bar: how much is left of the limit, when it refills, and who says so. */
export function WindowMeter(props: { window: LimiterWindowView; now: number }) {
  const w = props.window;
  const remaining = Math.max(0, remainingNow(w, props.now));
  const ratio = w.limit > 0 ? Math.min(1, remaining / w.limit) : 0;
  const resetsIn =
    w.resetAt !== undefined && w.resetAt > props.now
      ? formatCountdown(w.resetAt - props.now)
      : null;
  const label = SHORT_LABELS[w.window];
  const runsOut =
    w.runsOutAt !== undefined && w.runsOutAt > props.now ? `~${formatClock(w.runsOutAt)}` : null;
  const valueText = `${formatCount(remaining)} of ${formatCount(w.limit)} ${WINDOW_LABELS[w.window]} left${
    runsOut !== null ? `, runs out at ${runsOut} at the last 15 minutes' pace` : ''
  }${resetsIn !== null ? `, full again in ${resetsIn}` : ''} (${SOURCE_LABELS[w.source]})`;
  return (
    <div className="meter">
      <span className="meter-label">{label}</span>
      <div
        className="meter-track"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={w.limit}
        aria-valuenow={remaining}
        aria-valuetext={valueText}
      >
        <div
          className={`meter-fill ${w.source === 'catalog' || w.source === 'config' ? 'unknown' : fillTone(ratio)}`}
          style={{ width: `${ratio * 100}%` }}
        />
      </div>
      <span className="meter-figure">
        {formatCount(remaining)} / {formatCount(w.limit)}
      </span>
      <span className="meter-sub">
        <span>
          {runsOut !== null && (
            <strong className="runs-out" data-testid="runs-out">
              runs out at {runsOut},{' '}
            </strong>
          )}
          {resetsIn !== null
            ? `resets ${runsOut !== null && w.resetAt !== undefined ? `at ${formatClock(w.resetAt)}` : `in ${resetsIn}`}`
            : 'full'}
        </span>
        <span data-source={w.source} title={SOURCE_LABELS[w.source]}>
          {SOURCE_SHORT[w.source]}
        </span>
      </span>
    </div>
  );
}

export type GaugeProps = {
  pool: LimiterPoolView;
  /** The key's label and status, when the pool belongs to a configured key. */
  keyView?: KeyView;
  keychainLocked: boolean;
  now: number;
};

/** A provider key's quota for one model: a status and a bar per window. */
export function Gauge(props: GaugeProps) {
  const { pool, keyView, now } = props;
  const status = gaugeStatus(pool, keyView, props.keychainLocked, now);
  const keyName =
    pool.keyId === null ? 'no key (local)' : keyView ? keyView.label : `key ${pool.keyId}`;
  const title = `${pool.provider} · ${keyName}`;
  return (
    <section
      className="card gauge-card"
      aria-label={`${title}, ${pool.model ?? 'all free models'}`}
    >
      <div className="card-head" style={{ marginBottom: 0 }}>
        <div className="gauge-title">
          <span
            className="swatch"
            style={{ background: providerColor(pool.provider) }}
            aria-hidden="true"
          />
          <div style={{ minWidth: 0 }}>
            <h3 title={title}>{title}</h3>
            <div className="small muted">
              {pool.model ?? 'all free models (shared)'} · {pool.tier}
              {pool.inFlight > 0 ? ` · ${pool.inFlight} in flight` : ''}
            </div>
          </div>
        </div>
        <span className={`pill ${status.tone}`} data-testid="gauge-status">
          {status.label}
        </span>
      </div>
      {status.reason !== undefined && (
        <p className="small muted" style={{ margin: 0 }}>
          {status.reason}
        </p>
      )}
      {pool.windows.length === 0 ? (
        <p className="small muted" style={{ margin: 0 }}>
          No published limits for this model; Switchyard learns them from the provider's headers.
        </p>
      ) : (
        pool.windows.map((w) => <WindowMeter key={w.window} window={w} now={now} />)
      )}
    </section>
  );
}
