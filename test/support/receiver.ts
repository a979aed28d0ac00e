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

/**
 * A real HTTP receiver standing in for a robot platform or a unit's webhook endpoint. `reply`
 * decides the answer per request (default 200 with `ok`), so a test can make it fail or stall.
 */
export async function startReceiver(reply: (r: Received, n: number) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }> = () => ({})) {
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
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body ?? { errcode: 0, errmsg: 'ok', code: 0, msg: 'success' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
