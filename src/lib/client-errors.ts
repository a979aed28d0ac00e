import type { ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What Node's HTTP parser refuses before the app sees a request (headers or URL over its 16 KB,
 * bytes that are not HTTP) it answers by default with a bare status line and no body. The API
 * promises its JSON error shape for everything a caller sent, so these get it too. The request's
 * headers were not read, so the message is in both languages, Chinese first.
 */
const REFUSALS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'request_too_large', '请求头或网址过长（合计上限 16 KB） / The request headers or URL are too long (16 KB in all)'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', 'payload_too_large', '请求体分块扩展过长 / The request body\'s chunk extensions are too long'],
  // headersTimeout / requestTimeout: the request did not arrive in time.
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout', '请求未在时限内送达 / The request did not arrive in time'],
};
const MALFORMED: [number, string, string, string] = [400, 'Bad Request', 'malformed_request', '请求不是有效的 HTTP（请求行或请求头中有不允许的字符） / The request is not valid HTTP (characters not allowed in the request line or headers)'];

export function answerClientErrors(server: ServerType): void {
  // http.Server and the HTTP/2 server both emit it; the node adapter serves HTTP/1.1 here.
  (server as Server).on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // A client gone (reset) has nobody to answer; a socket already carrying a response (keep-alive)
    // cannot take a second status line in the middle of it.
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === 'ECONNRESET' || !socket.writable || answering) return socket.destroy();
    const [status, reason, code, message] = REFUSALS[err.code ?? ''] ?? MALFORMED;
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
