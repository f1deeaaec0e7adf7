// Stands in for undici's HTTP/2 client (lib/dispatcher/client-h2.js) in the bundles: that module loads
// node:http2 as soon as undici's Client loads, and a run never speaks HTTP/2. The transport never sets
// allowH2, so its connections offer only http/1.1 in ALPN and undici never picks this for a socket.
'use strict';

module.exports = function connectH2() {
  throw new Error('HTTP/2 was negotiated, but these bundles leave out undici\'s HTTP/2 client (allowH2 is never set).');
};
