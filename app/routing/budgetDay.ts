/**
 * Local midnight at or before `now`, in the machine's time zone: when "today's" paid budget
 * began. The one place the budget's day is decided; the engine counts from it and the dashboard
 * shows the engine's figures.
 */
export function localMidnight(now: number): number {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
