import { createRequire, Module } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici the engine uses, loaded by their own files. undici's index loads all of it
 * (fetch, WebSocket, the mock and cache layers, their Node internals) for 3.5 MB more RSS at idle
 * (`npm run bench -- proxy`, idle row); its package declares no exports map, so these paths are
 * public. Types still come from the package's index.
 */
const require = createRequire(import.meta.url);

// undici's client requires its HTTP/2 half as it loads, and with it node:http2 and node:tls: 3 MB
// of RSS in an idle engine (77.8 -> 74.6 MB, ready + 1 s), and in one whose upstreams all speak
// HTTP/1.1 (a local server, plain http). The module is put in require's cache as a stand-in that
// loads the real one the first time a TLS upstream picks HTTP/2; it exports one function,
// `connectH2(client, socket)`, which is all the client takes from it.
const h2File = require.resolve('undici/lib/dispatcher/client-h2.js');
type ConnectH2 = (client: unknown, socket: unknown) => unknown;
let connectH2: ConnectH2 | undefined;
const h2OnFirstUse = new Module(h2File);
h2OnFirstUse.filename = h2File;
h2OnFirstUse.loaded = true;
h2OnFirstUse.exports = (client: unknown, socket: unknown): unknown => {
  if (connectH2 === undefined) {
    delete require.cache[h2File];
    connectH2 = require(h2File) as ConnectH2;
  }
  return connectH2(client, socket);
};
require.cache[h2File] ??= h2OnFirstUse;

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export const undiciErrors = require('undici/lib/core/errors.js') as typeof Undici.errors;
export type Agent = Undici.Agent;

// The index gives every dispatcher its promise API (`Object.assign(Dispatcher.prototype, api)`);
// without it an Agent has `dispatch` but no `request`, which the streamed path calls. Only
// `request` is added here: the engine uses no other.
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, {
  request: require('undici/lib/api/api-request.js') as Undici.Dispatcher['request'],
});
