/** Same format both sides: the shape every adapter's passthrough codec shares. */
import type { Provider } from '../../app/catalog/schema.ts';
import { malformedStream } from '../../app/formats/common.ts';
import type { Codec, DecodedBody, StreamRelay } from './codec.ts';
import { parseJson } from './relays.ts';
import { withOutputCap } from './targetExtras.ts';
import { joinUrl } from '../upstream/url.ts';

/** Base URLs whose joined URL a codec keeps (a config names a few; edits may add more over time). */
const MAX_URLS = 64;

/**
 * Replaces the model a client named (a route, `provider/model`) with the target's, caps the
 * output tokens at what it can write, and drops stream_options where the target refuses them.
 */
export function withModel(
  body: Record<string, unknown>,
  model: string,
  provider: Provider,
): string {
  const out: Record<string, unknown> = { ...withOutputCap(body, provider, model), model };
  if (provider.quirks.rejectsStreamOptions) delete out.stream_options;
  return JSON.stringify(out);
}

/** The body goes up with the target's model name, the answer comes back untouched. */
export function passthrough(
  path: string,
  relay: () => StreamRelay,
  decode: (text: string, value: Record<string, unknown>) => DecodedBody,
): Codec {
  // Asked for every request: the same few base URLs give the same string, made once.
  const urls = new Map<string, string>();
  return {
    url: (provider) => {
      let url = urls.get(provider.baseUrl);
      if (url === undefined) {
        if (urls.size >= MAX_URLS) urls.clear();
        url = joinUrl(provider.baseUrl, path);
        urls.set(provider.baseUrl, url);
      }
      return url;
    },
    encode: (req, model, provider) => ({ ok: true, body: withModel(req.body, model, provider) }),
    decode: (text) => {
      const value = parseJson(text);
      if (value === null || typeof value !== 'object')
        return { ok: false, error: malformedStream('upstream') };
      return decode(text, value as Record<string, unknown>);
    },
    relay: () => relay(),
  };
}
