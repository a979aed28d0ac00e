import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the test Postgres that loses a connection on cue: told to cut on some
 * text, it closes the next connection whose client sends a message carrying that text, before the
 * server sees it (the statement never ran). Every other byte passes as it is.
 */
export interface CuttingProxy {
  /** `database` on the test server, reached through the proxy. */
  url(database: string): string;
  /** Cut the next `times` connections that send `text` (a statement's text or one of its parameters). */
  cutOn(text: string, times?: number): void;
  /** Stop cutting; answers how many connections were cut. */
  stop(): number;
  close(): Promise<void>;
}

export async function startCuttingProxy(adminUrl: string): Promise<CuttingProxy> {
  const target = new URL(adminUrl);
  const sockets = new Set<Socket>();
  let cue: { text: Buffer; left: number } | null = null;
  let cut = 0;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (cue && cue.left > 0 && chunk.includes(cue.text)) {
        cue.left--;
        cut++;
        client.destroy();
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url(database) {
      const url = new URL(adminUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      url.pathname = `/${database}`;
      return url.toString();
    },
    cutOn(text, times = 1) {
      cue = { text: Buffer.from(text), left: times };
    },
    stop() {
      cue = null;
      return cut;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
