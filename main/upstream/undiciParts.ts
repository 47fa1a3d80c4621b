import { createRequire } from 'node:module';
import type * as Undici from 'undici';

/**
 * The parts of undici the engine uses, loaded by their own files. undici's index loads all of it
 * (fetch, WebSocket, the mock and cache layers, their Node internals) for 3.5 MB more RSS at idle
 * (`npm run bench -- proxy`, idle row); its package declares no exports map, so these paths are
 * public. The index also gives every dispatcher its request API (`request`, `stream`…), as the
 * one Object.assign below does. Types still come from the index.
 */
const require = createRequire(import.meta.url);
const Dispatcher = require('undici/lib/dispatcher/dispatcher.js') as typeof Undici.Dispatcher;
Object.assign(Dispatcher.prototype, require('undici/lib/api/index.js'));

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof Undici.Agent;
export type Agent = Undici.Agent;
export const undiciErrors = require('undici/lib/core/errors.js') as typeof Undici.errors;
