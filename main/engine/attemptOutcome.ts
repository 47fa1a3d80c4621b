import type { AttemptOutcome } from '../../app/limiter/limiter.ts';
import { headerLookup } from '../upstream/client.ts';
import type { AttemptInfo } from './capacityGate.ts';

/** How an attempt ended, as the limiter (and the team's shared pools) read it. */
export function outcomeOf(info: AttemptInfo): AttemptOutcome {
  return {
    status: info.status,
    ...(info.failure === undefined ? {} : { failure: info.failure }),
    ...(info.usage === undefined ? {} : { usage: info.usage }),
    ...(info.upstreamHeaders === undefined ? {} : { headers: headerLookup(info.upstreamHeaders) }),
  };
}
