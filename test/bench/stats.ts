/** The middle value (the upper one of an even count), NaN for none: what the benches print. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}
