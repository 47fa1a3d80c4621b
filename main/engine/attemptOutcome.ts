import type { AttemptOutcome } from '../../app/limiter/limiter.ts';
import { headerLookup } from '../upstream/client.ts';
import type { AttemptInfo } from './capacityGate.ts';

/** How an attempt ended, as the limiter (and the team's shared pools) read it. */
export function outcomeOf(info: AttemptInfo): AttemptOutcome {
  // Filled in place: spreads of `{}` for each absent field made objects only to drop them.
  const outcome: AttemptOutcome = { status: info.status };
  if (info.failure !== undefined) outcome.failure = info.failure;
  if (info.usage !== undefined) outcome.usage = info.usage;
  if (info.upstreamHeaders !== undefined) outcome.headers = headerLookup(info.upstreamHeaders);
  return outcome;
}
