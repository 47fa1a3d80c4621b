/**
 * A streamed attempt: read until its first meaningful data (anything before that can still fail
 * over unseen), then, once the dispatcher commits it, relay the rest to the client to the end.
 */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { StreamError } from '../../app/formats/common.ts';
import { transportFailureOf } from '../upstream/client.ts';
import type { AttemptInfo, AttemptRun, FailedAttempt, Failing, ReadyAttempt } from './attempt.ts';
import { CAPTURE_LIMIT_CHARS } from './attempt.ts';
import { writeAtClientPace } from './backpressure.ts';
import { internalStreamError, ourBug, streamFailure } from './attemptFailure.ts';
import type { RelayStep, StreamRelay } from './codec.ts';

/** A streamed attempt whose upstream answered 2xx: its body, and the record as it stands. */
export type FirstData = {
  run: AttemptRun;
  info: AttemptInfo;
  body: Readable;
  failing: Failing;
};

export async function awaitFirstData({
  run,
  info,
  body,
  failing,
}: FirstData): Promise<ReadyAttempt | FailedAttempt> {
  const { deps, candidate, codec, controller } = run;
  const { fail, bug, transportFailure } = failing;
  const { provider } = candidate;
  let relay: StreamRelay;
  try {
    relay = codec.relay(info.model);
  } catch (err) {
    body.destroy();
    return bug(err);
  }
  const decoder = new TextDecoder();
  const iterator = (body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let pending = '';

  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (err) {
      return transportFailure(err);
    }
    let step: RelayStep;
    try {
      step = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
    } catch (err) {
      body.destroy();
      return bug(err);
    }
    pending += step.out;
    if (step.bug !== undefined) {
      body.destroy();
      return bug(step.bug);
    }
    if (step.error) return fail(streamFailure(step.error, provider, deps.clock()));
    if (step.started) break;
    if (next.done)
      return fail(
        streamFailure(
          {
            kind: 'error',
            status: 502,
            type: 'server_error',
            message: `${provider.name} closed the stream without sending anything`,
            code: 'empty_stream',
          },
          provider,
          deps.clock(),
        ),
      );
  }
  const ready: AttemptInfo = { ...info, firstTokenMs: deps.clock() - info.startedAt };
  const relayed = { relay, decoder, iterator, pending };

  return {
    kind: 'ready',
    info: ready,
    abandon: () => {
      controller.abort();
      body.destroy();
    },
    commit: (res, headers) => commitStream({ run, info: ready, body, ...relayed }, res, headers),
  };
}

type Committing = {
  run: AttemptRun;
  info: AttemptInfo;
  body: Readable;
  relay: StreamRelay;
  decoder: InstanceType<typeof TextDecoder>;
  iterator: AsyncIterator<Buffer>;
  /** What the relay produced before the commit: sent first. */
  pending: string;
};

/** The commit loop: the buffered start, then every event as it comes, to the end or a failure. */
async function commitStream(
  state: Committing,
  res: ServerResponse,
  headers: Record<string, string>,
): Promise<AttemptInfo> {
  const { run, info, body, relay, decoder, iterator } = state;
  const { deps, req, candidate, controller } = run;
  const { provider } = candidate;
  const signal = controller.signal;
  res.writeHead(200, {
    ...headers,
    'content-type': req.jsonArrayStream
      ? 'application/json; charset=utf-8'
      : 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  const capture = deps.captureBodies();
  let captured = '';
  // Relays hand over whole events, so a key echoed inside one is masked whole.
  const masked = (raw: string): string => {
    const text = deps.mask(raw);
    if (capture && captured.length < CAPTURE_LIMIT_CHARS)
      captured += text.slice(0, CAPTURE_LIMIT_CHARS - captured.length);
    return text;
  };
  const write = async (raw: string) => {
    if (raw === '' || res.destroyed) return;
    await writeAtClientPace(res, masked(raw));
  };
  /**
   * A step's text: its two parts each as they are (held in the socket until both are in, one
   * write), or its `out`. The socket is corked, not the response, whose own corking waits for a
   * 'drain' it may never get.
   */
  const send = async (step: RelayStep) => {
    const { socket } = res;
    if (step.parts === undefined || res.destroyed || socket === null) return write(step.out);
    socket.cork();
    res.write(masked(step.parts[0]));
    const paced = writeAtClientPace(res, masked(step.parts[1]));
    socket.uncork();
    await paced;
  };
  await write(state.pending);
  let failedMidStream: StreamError | undefined;
  let thrown: { error: unknown } | undefined;
  for (;;) {
    if (signal.aborted) break;
    let next: IteratorResult<Buffer>;
    try {
      next = await iterator.next();
    } catch (err) {
      if (signal.aborted) break;
      const failure = transportFailureOf(err, signal);
      failedMidStream = {
        kind: 'error',
        status: 502,
        type: 'server_error',
        message: `${provider.name}: ${failure.message}; the answer is incomplete. Retry the request.`,
        code: 'upstream_failed_mid_stream',
      };
      break;
    }
    let step: RelayStep;
    try {
      step = next.done ? relay.end() : relay.push(decoder.decode(next.value, { stream: true }));
    } catch (error) {
      thrown = { error };
      failedMidStream = internalStreamError(req.id);
      break;
    }
    await send(step);
    if (step.bug !== undefined) {
      thrown = { error: step.bug };
      failedMidStream = internalStreamError(req.id);
      break;
    }
    if (step.error) {
      failedMidStream = step.error;
      break;
    }
    if (next.done) break;
  }
  let failure = info.failure;
  if (failedMidStream) {
    await write(relay.errorText(failedMidStream));
    if (thrown !== undefined) deps.reportBug(req.id, thrown.error);
    failure =
      thrown !== undefined
        ? ourBug(provider.name)
        : streamFailure(failedMidStream, provider, deps.clock());
  }
  // Read before the attempt closes its own controller: only an abort from outside counts.
  const cancelled = signal.aborted;
  if (failedMidStream) {
    controller.abort();
    body.destroy();
  }
  // Asked now, whatever ended the stream: a cancelled one logs the last usage it saw.
  const usage = relay.usage();
  const final: AttemptInfo = {
    ...info,
    ...(failure !== undefined ? { failure } : {}),
    ...(capture ? { responseText: captured } : {}),
    ...(usage ? { usage } : {}),
    outcome: cancelled ? 'aborted' : failedMidStream ? 'failed-mid-stream' : 'ok',
    totalMs: deps.clock() - info.startedAt,
  };
  if (!res.destroyed) res.end();
  return final;
}
