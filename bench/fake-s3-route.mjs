// For a child process that runs the origin-response bundle against the bench's fake S3 (an HTTP server on
// 127.0.0.1 that answers every GetObject): sends every HTTPS request the bundle makes there instead, path and
// headers as signed. The bundle has no endpoint switch; the local edge does the same per bucket
// (src/local-edge/function-runtime/s3-routes.ts). Plain JS on purpose, as the child scripts are.
import http from 'node:http';
import https from 'node:https';

/** Routes every later `https.request(options, callback)` of this process to `endpoint` (`http://127.0.0.1:PORT`). */
export function routeHttpsTo(endpoint) {
  const to = new URL(endpoint);
  https.request = (options, callback) => {
    const { servername: _servername, ...plain } = options;
    return http.request({ ...plain, protocol: 'http:', host: to.hostname, port: Number(to.port) }, callback);
  };
}
