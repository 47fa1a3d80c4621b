import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici the engine uses, loaded by their own files. undici's index loads all of it
 * (fetch, WebSocket, the mock and cache layers, their Node internals) for 3.5 MB more RSS at idle
 * (`npm run bench -- proxy`, idle row); its package declares no exports map, so these paths are
 * public. Types still come from the package's index.
 */
const require = createRequire(import.meta.url);
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
