// Node answers requests its HTTP parser rejects (oversized headers, malformed request lines) itself,
// before the app runs, with an empty body. This gives them Appwrite's JSON error shape instead. The
// library has the same hook (`answerClientErrorsAsJson` of `hono-appwrite/node`); the emulator keeps
// its own copy because it depends on nothing of the library.
import { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ServerType } from '@hono/node-server';

type ErrorBody = { message: string; code: number; type: string };

// The status Node's default handler picks per parser error code; anything else is a bad request.
// Appwrite's table has general_bad_request for 400 but no type for 408, 413 or 431: own types there
// (413 named as the app's body limit names it), not a 400 type sent with another status.
const ANSWERS: Record<string, readonly [string, ErrorBody]> = {
  HPE_HEADER_OVERFLOW: [
    '431 Request Header Fields Too Large',
    { message: 'The request headers are too large.', code: 431, type: 'general_request_headers_too_large' },
  ],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [
    '413 Payload Too Large',
    { message: 'The chunk extensions are too large.', code: 413, type: 'general_payload_too_large' },
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [
    '408 Request Timeout',
    { message: 'The request was not received in time.', code: 408, type: 'general_request_timeout' },
  ],
};
const BAD_REQUEST: readonly [string, ErrorBody] = [
  '400 Bad Request',
  { message: 'The request is not valid HTTP.', code: 400, type: 'general_bad_request' },
];

/** The raw HTTP/1.1 response for a parser error: complete, and closing the connection. */
const responseFor = (code: string | undefined): string => {
  const [status, body] = (code !== undefined && ANSWERS[code]) || BAD_REQUEST;
  const json = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    json,
  ].join('\r\n');
};

const onClientError = (error: Error & { code?: string }, socket: Duplex): void => {
  // A response already under way on this connection (pipelining) must not get bytes spliced into it;
  // Node's default handler makes the same check. `_httpMessage` is the socket's current response.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    socket.write(responseFor(error.code));
  }
  // As Node's default does: the rest of the request is never read, so the connection cannot go on.
  socket.destroy();
};

/**
 * Makes a Node HTTP/1 server (the return value of `@hono/node-server`'s `serve()`) answer requests
 * its parser rejects with JSON `{message, code, type}`: 431 for headers over the server's limit
 * (`--max-http-header-size`, 16 KiB by default), 408 for a request timeout, 400 for malformed HTTP.
 * A reset or unwritable connection is just closed. Throws for an HTTP/2 server, which has no such hook.
 *
 * @example
 * answerClientErrorsAsJson(serve({ fetch: app.fetch, port: 8787 }));
 */
export const answerClientErrorsAsJson = <T extends ServerType>(server: T): T => {
  if (!(server instanceof HttpServer || server instanceof HttpsServer)) {
    throw new TypeError('answerClientErrorsAsJson needs a node:http or node:https server');
  }
  server.on('clientError', onClientError);
  return server;
};
