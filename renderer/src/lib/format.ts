/** Milliseconds as a person reads them: "120 ms", "1.4 s", "2 min 05 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

/** Time left until a reset: "42 s", "3:05", "2 h 10 min", "3 d 4 h"; "now" once it has passed. */
export function formatCountdown(msLeft: number): string {
  if (msLeft <= 0) return 'now';
  const totalSeconds = Math.ceil(msLeft / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}:${String(totalSeconds % 60).padStart(2, '0')}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const CLOCK_SECONDS = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** A wall-clock time, "10:42"; with `seconds`, "10:42:07". */
export function formatClock(epochMs: number, seconds = false): string {
  return (seconds ? CLOCK_SECONDS : CLOCK).format(epochMs);
}

/** Date and time for the request log: "Nov 25, 10:42:07". */
export function formatDateTime(epochMs: number): string {
  return DATE_TIME.format(epochMs);
}

/** US dollars with enough digits that a fraction of a cent still shows. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return 'unknown';
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 0.0001) return '< $0.0001';
  if (Math.abs(usd) < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

const INTEGER = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** Counts in full up to 100 000 ("14,400"), then with k and M ("250k", "1.2M"). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (Math.abs(n) < 100_000) return INTEGER.format(n);
  if (Math.abs(n) < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** A ratio as a percentage, "12.5 %". */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–';
  const pct = ratio * 100;
  return `${pct < 10 && pct !== 0 ? pct.toFixed(1) : Math.round(pct)} %`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago". */
export function formatAgo(epochMs: number, now: number): string {
  const s = Math.round((now - epochMs) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400 * 2) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}
