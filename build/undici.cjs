// What the bundles take from undici, instead of its index: the index also loads fetch, WebSocket,
// EventSource, the cache, the mocks, SQLite and a global Agent, and its cookie module reads
// globalThis.Headers, which makes Node load its own second copy of undici. Together that was most of
// the CLI's start-up time. esbuild maps `import … from 'undici'` in src/ here (esbuild.mjs); tsc checks
// those imports against undici's types, and the tests that run the built CLI exercise each name.
'use strict';

const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const api = require('undici/lib/api');
const { InvalidArgumentError } = require('undici/lib/core/errors');

// As undici's index does: dispatcher.request(), and .connect() for ProxyAgent's CONNECT tunnels.
Object.assign(Dispatcher.prototype, api);

module.exports.Agent = require('undici/lib/dispatcher/agent');
module.exports.Client = require('undici/lib/dispatcher/client');
module.exports.ProxyAgent = require('undici/lib/dispatcher/proxy-agent');
module.exports.buildConnector = require('undici/lib/core/connect');
module.exports.parseCookie = require('undici/lib/web/cookies/parse').parseSetCookie;

/** undici's request(url, options) as the engine calls it: a URL and an explicit dispatcher (no global one here). */
module.exports.request = (url, { dispatcher, ...options }) => {
  if (!dispatcher) throw new InvalidArgumentError('request() needs options.dispatcher in this bundle');
  return dispatcher.request({ ...options, origin: url.origin, path: `${url.pathname}${url.search}`, method: options.method || 'GET' });
};
