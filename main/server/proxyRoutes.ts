import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from '../../app/config/schema.ts';
import { errorDialectFor, sendError, sendJson } from './respond.ts';

/** The model list clients see: every route name, then every `provider/model` the config names. */
export function modelList(config: Config, created: number): unknown {
  const ids = new Set<string>();
  for (const route of config.routes) ids.add(route.name);
  for (const route of config.routes)
    for (const t of route.targets) ids.add(`${t.provider}/${t.model}`);
  return {
    object: 'list',
    data: [...ids].map((id) => ({ id, object: 'model', created, owned_by: 'switchyard' })),
  };
}

/** The /v1 surface. */
export function createProxyHandler(deps: { config: () => Config; startedAt: number }) {
  const created = Math.floor(deps.startedAt / 1000);
  return (req: IncomingMessage, res: ServerResponse, url: URL): void => {
    if (url.pathname === '/v1/models' && req.method === 'GET') {
      sendJson(res, 200, modelList(deps.config(), created));
      return;
    }
    sendError(
      res,
      errorDialectFor(url.pathname),
      404,
      `Unknown endpoint ${req.method} ${url.pathname}. Switchyard serves /v1/chat/completions, /v1/messages, /v1/embeddings, /v1/completions and /v1/models.`,
      'unknown_url',
    );
  };
}
