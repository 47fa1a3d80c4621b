import type { ModelWatchEntry } from '../../../app/models/watch.ts';
import { formatDateTime } from '../lib/format.ts';
import { useStore } from '../store/index.ts';

const STATE_WORDS: Record<Exclude<ModelWatchEntry['state'], 'ok'>, string> = {
  missing: 'is gone',
  deprecated: 'is being retired',
};

/**
 * On a route: each target whose model the provider dropped or deprecated, why and since when,
 * with a one-click replace by the suggested successor. The route keeps serving meanwhile.
 */
export function ModelWatchBanner(props: { route: string }) {
  const flagged = useStore((s) => s.modelWatch).filter(
    (e) => e.route === props.route && e.state !== 'ok',
  );
  const replace = useStore((s) => s.replaceFlaggedModel);
  const autoReplace = useStore((s) => s.settings?.autoReplaceModels ?? false);
  if (flagged.length === 0) return null;
  return (
    <div className="banner warn stack" role="alert" data-testid="model-watch-banner">
      {flagged.map((e) => (
        <div className="row spread" key={`${e.provider}/${e.model}`}>
          <span>
            <strong className="mono">
              {e.provider}/{e.model}
            </strong>{' '}
            {e.state === 'ok' ? '' : STATE_WORDS[e.state]}
            {e.since !== null ? ` (since ${formatDateTime(e.since)})` : ''}: {e.reason}. The route
            keeps serving through the rest of its chain.
            {autoReplace && e.suggestion !== null
              ? ' Automatic replacement is on: Switchyard swaps it for the suggestion.'
              : ''}
          </span>
          {e.suggestion !== null ? (
            <button type="button" className="primary" onClick={() => void replace(e)}>
              Replace with {e.suggestion}
            </button>
          ) : (
            <span className="small muted">No successor listed: pick a model in the chain.</span>
          )}
        </div>
      ))}
    </div>
  );
}
