import { request as httpRequest } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The most bytes the server read from any one connection since the last call: whether a refused
 * body was read, measured where it is read rather than in the process's memory, which the allocator
 * and the other test files sharing the machine make noisy.
 */
export function bytesReadPerConnection(server: { on(event: 'connection', listener: (socket: Socket) => void): unknown }): () => number {
  let sockets: Socket[] = [];
  server.on('connection', (socket) => sockets.push(socket));
  return () => {
    const most = Math.max(0, ...sockets.map((s) => s.bytesRead));
    sockets = [];
    return most;
  };
}

/**
 * Streams `total` bytes of body to a real server, 1 MB at a time, and stops as soon as it answers;
 * resolves with the answer (also when the server closed the socket after answering).
 */
export function streamBody(base: string, opts: { method?: string; path: string; total: number; chunked: boolean; headers?: Record<string, string> }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(opts.path, base);
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method: opts.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...(opts.chunked ? {} : { 'content-length': String(opts.total) }), ...opts.headers },
    });
    let answered: { status: number; body: string } | null = null;
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => { answered = { status: res.statusCode!, body }; resolve(answered); });
    });
    req.on('error', (err) => (answered ? resolve(answered) : reject(err)));
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < opts.total && !answered && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
