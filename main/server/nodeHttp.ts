import { createRequire } from 'node:module';
import type * as NodeHttp from 'node:http';

/**
 * node:http, loaded through `require`. An ESM `import … from 'node:http'` builds the module's ESM
 * facade, which reads every export, the lazy `WebSocket`, `CloseEvent` and `MessageEvent` too:
 * that loads Node's internal copy of undici, which the engine never uses. main/build.mjs refuses
 * a bundle that imports node:http directly.
 */
const http = createRequire(import.meta.url)('node:http') as typeof NodeHttp;

export const { createServer, IncomingMessage } = http;
export type IncomingMessage = NodeHttp.IncomingMessage;
