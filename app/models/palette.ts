import type { Provider } from '../catalog/schema.ts';
import type { DiscoveredModel } from './watch.ts';

/** One model in the chain editor's palette: the catalog's facts where it knows the model. */
export type PaletteModel = {
  id: string;
  /** Free per the catalog; undefined when the catalog does not know the model. */
  free?: boolean;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** The provider listed it for one of the user's keys (or a keyless local server). */
  discovered: boolean;
};

/**
 * A provider's palette: the catalog's chat models first (marked when a key's list has them too),
 * then the models only discovery found, by id. Embedding models stay out: a chain is for chat.
 */
export function paletteModels(
  provider: Pick<Provider, 'id' | 'models'>,
  discovered: readonly DiscoveredModel[],
): PaletteModel[] {
  const listed = new Set(discovered.filter((d) => d.provider === provider.id).map((d) => d.model));
  const known = new Set(provider.models.map((m) => m.id));
  const fromCatalog = provider.models
    .filter((m) => m.kind === 'chat')
    .map((m): PaletteModel => ({
      id: m.id,
      free: m.free,
      ...(m.contextWindow !== undefined ? { contextWindow: m.contextWindow } : {}),
      ...(m.maxOutputTokens !== undefined ? { maxOutputTokens: m.maxOutputTokens } : {}),
      discovered: listed.has(m.id),
    }));
  const onlyListed = [...listed]
    .filter((id) => !known.has(id))
    .sort()
    .map((id): PaletteModel => ({ id, discovered: true }));
  return [...fromCatalog, ...onlyListed];
}

/** `free · 128k ctx · 8k out`: what the palette says beside a model, empty when nothing is known. */
export function paletteFacts(m: PaletteModel): string {
  const k = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));
  return [
    m.free === true ? 'free' : m.free === false ? 'paid' : undefined,
    m.contextWindow !== undefined ? `${k(m.contextWindow)} ctx` : undefined,
    m.maxOutputTokens !== undefined ? `${k(m.maxOutputTokens)} out` : undefined,
  ]
    .filter((part): part is string => part !== undefined)
    .join(' · ');
}
