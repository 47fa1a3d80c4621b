/**
 * One colour per provider, the same on every page and in both themes: a stable hash of the
 * provider id picks from a palette whose hues stay apart for common colour-vision deficiencies
 * (Okabe–Ito, extended) and read on light and dark backgrounds alike.
 */
export const PROVIDER_PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#d55e00',
  '#56b4e9',
  '#8a6fdf',
  '#a6761d',
  '#1b9e9e',
  '#c8507a',
] as const;

/** FNV-1a: tiny, stable across runs and browsers. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The provider's colour. A `provider/model` group takes its provider's colour. */
export function providerColor(providerOrGroup: string): string {
  const provider = providerOrGroup.split('/', 1)[0] ?? providerOrGroup;
  return PROVIDER_PALETTE[hash(provider) % PROVIDER_PALETTE.length] as string;
}
