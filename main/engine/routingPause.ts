import { errorEnvelopeFor } from '../proxy/adapters/registry.ts';
import type { RequestHandler } from '../server/httpServer.ts';
import { sendError } from '../server/respond.ts';

export type RoutingPause = {
  readonly paused: boolean;
  setPaused: (paused: boolean) => void;
  /** The proxy's handler, answering 503 in the caller's format while paused (the model list stays). */
  handler: RequestHandler;
};

/** The tray's "pause routing": while paused, the proxy answers 503. */
export function routingPause(
  proxy: RequestHandler,
  log: (message: string) => void,
  onChange: () => void,
): RoutingPause {
  let paused = false;
  return {
    get paused() {
      return paused;
    },
    setPaused: (value) => {
      if (paused === value) return;
      paused = value;
      log(value ? 'routing paused: the proxy answers 503 until it is resumed' : 'routing resumed');
      onChange();
    },
    handler: (req, res, url) => {
      if (!paused || url.pathname === '/v1/models') return proxy(req, res, url);
      req.resume();
      sendError(
        res,
        errorEnvelopeFor(url.pathname, req.headers),
        503,
        'Routing is paused in Switchyard. Resume it from the tray menu or the dashboard.',
        'routing_paused',
        { 'retry-after': '30' },
      );
    },
  };
}
