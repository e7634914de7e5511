// autocannon connection setup for the API bench: count response bytes without decoding bodies into strings.
//
// autocannon appends every body chunk to a string (PipelinedRequestsQueue#addBody), UTF-8-decoding it: on a compressed
// (binary) body of 20 KB that decoding, not the server, bounds the requests per second a worker can make (measured in
// docs/api.md#bench). The bench reads no body, so bodies are dropped; bytes are still counted from the socket.
'use strict';

module.exports = function setupClient(client) {
  const queue = client.pipelinedRequests;
  if (!queue || typeof queue.addBody !== 'function') {
    throw new Error('autocannon internals changed: PipelinedRequestsQueue#addBody not found (bench/autocannon-client.cjs)');
  }
  queue.addBody = () => {};
};
