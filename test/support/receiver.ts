import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  /** The request target exactly as sent (query undecoded), e.g. to check a parameter's encoding. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
  raw: string;
}

type Answer = { status?: number; body?: unknown; headers?: Record<string, string> };

/**
 * A real HTTP receiver standing in for a robot platform or a unit's webhook endpoint. `reply`
 * decides the answer per request (default 200 with `ok`), so a test can make it fail or stall.
 * It listens on 127.0.0.1 unless told another local address (127.0.0.2, ::1).
 */
export async function startReceiver(reply: (r: Received, n: number) => Answer | Promise<Answer> = () => ({}), opts: { host?: string } = {}) {
  const host = opts.host ?? '127.0.0.1';
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://receiver');
      let body: unknown = null;
      try { body = JSON.parse(raw); } catch { body = raw; }
      const r: Received = { url: req.url ?? '/', path: url.pathname, query: url.searchParams, headers: req.headers, body, raw };
      received.push(r);
      const answer = await reply(r, received.length);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? { errcode: 0, errmsg: 'ok', code: 0, msg: 'success' }));
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, host, resolve); });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
