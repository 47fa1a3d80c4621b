import type { ProxyKeyInfo, TestRequestResult } from '../../app/admin/types.ts';
import type { ConfigStore } from '../config/configFile.ts';
import type { ConfigUpdater } from '../keys/configUpdates.ts';
import type { Keychain } from '../keys/keychain.ts';
import { parseDotenv } from '../keys/dotenv.ts';
import type { KeyStore } from '../keys/keyStore.ts';
import type { RequestLogThread } from '../store/requestLogThread.ts';
import type { BaseUrlCodes } from '../keys/baseUrlCodes.ts';
import { AdminError } from './errors.ts';
import type { AdminHandlers } from './router.ts';

/** Supplied by the engine's dispatcher: sends `prompt` to a route or `provider/model` and reports back. */
export type SendTestRequest = (model: string, prompt: string) => Promise<TestRequestResult>;

export type StateDeps = {
  config: ConfigStore;
  update: ConfigUpdater;
  keychain: Keychain;
  keys: KeyStore;
  requestLog: RequestLogThread;
  proxyKey: () => ProxyKeyInfo;
  sendTestRequest?: SendTestRequest;
  /** Codes that confirm a key's new provider address. */
  baseUrlCodes: BaseUrlCodes;
  /**
   * Shows a confirmation code to the person outside the admin API (the terminal, the app's own
   * dialog); returns where, for the dashboard to say.
   */
  showCode: (message: string) => string;
};

export type StateEndpoint =
  | 'getSettings'
  | 'putSettings'
  | 'listProviders'
  | 'putProvider'
  | 'deleteProvider'
  | 'listKeys'
  | 'addKey'
  | 'replaceKey'
  | 'deleteKey'
  | 'testKey'
  | 'requestBaseUrlCode'
  | 'confirmBaseUrl'
  | 'importCandidates'
  | 'importKeys'
  | 'keychainStatus'
  | 'listRequests'
  | 'getRequest'
  | 'metrics'
  | 'liveTraffic'
  | 'testRequest'
  | 'proxyKey';

const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]*$/;

/** The admin handlers for keys, providers, settings, the request log, metrics and the proxy key. */
export function createStateHandlers(deps: StateDeps): Pick<AdminHandlers, StateEndpoint> {
  const { config, update, keys, requestLog } = deps;
  return {
    getSettings: () => config.current.settings,
    putSettings: async ({ body }) => (await update((c) => ({ ...c, settings: body }))).settings,

    listProviders: () => config.current.providers,
    putProvider: async ({ body, params }) => {
      const id = params.id;
      if (!PROVIDER_ID.test(id)) {
        const message = `provider ids are lower-case letters, digits, '.', '_' or '-' (e.g. "my-llm"), got "${id}"`;
        throw new AdminError(400, `id: ${message}`, 'invalid_id', [{ path: 'id', message }]);
      }
      const written = await update((c) => ({ ...c, providers: { ...c.providers, [id]: body } }));
      return written.providers[id] ?? body;
    },
    deleteProvider: async ({ params }) => {
      const id = params.id;
      const override = config.current.providers[id];
      if (!override) {
        throw new AdminError(
          404,
          `The config has no override or custom provider "${id}".`,
          'no_such_provider',
        );
      }
      if (override.custom) {
        const users = [
          ...config.current.keys.filter((k) => k.provider === id).map((k) => `key "${k.id}"`),
          ...config.current.routes
            .filter((r) => r.targets.some((t) => t.provider === id))
            .map((r) => `route "${r.name}"`),
        ];
        if (users.length > 0) {
          throw new AdminError(
            409,
            `The custom provider "${id}" is still used by ${users.join(', ')}; remove those first.`,
            'provider_in_use',
          );
        }
      }
      await update((c) => {
        const { [id]: _removed, ...rest } = c.providers;
        return { ...c, providers: rest };
      });
      return { ok: true } as const;
    },

    listKeys: () => keys.list(),
    addKey: ({ body }) =>
      keys.add(
        body.secret !== undefined
          ? { provider: body.provider, label: body.label, tier: body.tier, secret: body.secret }
          : { provider: body.provider, label: body.label, tier: body.tier, env: body.env ?? '' },
      ),
    replaceKey: ({ body, params }) => keys.replace(params.id, body.secret),
    deleteKey: async ({ params }) => {
      await keys.remove(params.id);
      return { ok: true } as const;
    },
    testKey: ({ params }) => keys.test(params.id),
    requestBaseUrlCode: ({ params }) => {
      const id = params.id;
      const standing = keys.view(id)?.unconfirmedBaseUrl;
      if (standing === undefined) {
        throw new AdminError(
          409,
          keys.view(id) === undefined
            ? `No key "${id}".`
            : `Key "${id}" may already go where its provider points; nothing to confirm.`,
          keys.view(id) === undefined ? 'no_such_key' : 'nothing_to_confirm',
        );
      }
      const code = deps.baseUrlCodes.issue(id, standing.current);
      const shownIn = deps.showCode(
        `Switchyard: to let key "${id}" go to ${standing.current}, enter the confirmation code ${code} on the dashboard. If you did not change this address, do not enter it: someone with the dashboard link is trying to redirect the key.`,
      );
      return {
        keyId: id,
        baseUrl: standing.current,
        confirmedBaseUrl: standing.confirmed,
        shownIn,
      };
    },
    confirmBaseUrl: async ({ params, body }) => {
      const id = params.id;
      if (!deps.baseUrlCodes.redeem(id, body.baseUrl, body.code)) {
        throw new AdminError(
          403,
          'That confirmation code is wrong, used or expired. Ask for a new one and enter the code Switchyard shows.',
          'wrong_confirmation_code',
        );
      }
      return keys.confirmBaseUrl(id, body.baseUrl);
    },
    importCandidates: ({ body }) =>
      keys.importCandidates(body.dotenv === undefined ? undefined : parseDotenv(body.dotenv)),
    importKeys: ({ body }) =>
      keys.importFromEnv(
        body.items,
        body.dotenv === undefined ? undefined : parseDotenv(body.dotenv),
      ),
    keychainStatus: () => deps.keychain.status(),

    listRequests: ({ query }) => requestLog.list(query),
    getRequest: async ({ params }) => {
      const detail = await requestLog.get(params.id);
      if (!detail) {
        throw new AdminError(
          404,
          `No request "${params.id}" in the log (it may have been pruned).`,
          'no_such_request',
        );
      }
      return detail;
    },
    metrics: ({ query }) => requestLog.metrics(query),
    liveTraffic: () => requestLog.liveTraffic(),

    testRequest: ({ body }) => {
      if (!deps.sendTestRequest) {
        throw new AdminError(
          503,
          'Test requests are not available in this build yet.',
          'not_available',
        );
      }
      return deps.sendTestRequest(body.model, body.prompt);
    },
    proxyKey: () => deps.proxyKey(),
  };
}
