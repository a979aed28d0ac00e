import type { Context } from 'hono';
import type { AppEnv } from './http';

/**
 * The caller's IP address, for per-IP limits. Behind a reverse proxy (TRUST_PROXY=true; always on
 * Workers, where Cloudflare sets cf-connecting-ip and drops a client's own) the proxy's header is
 * believed; otherwise only the socket's peer address, since any client can write a header.
 */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const direct = c.req.header('cf-connecting-ip') ?? c.req.header('x-real-ip');
    if (direct) return direct.trim();
    // The proxy appends the address it saw: the last entry is the one it vouches for.
    const forwarded = c.req.header('x-forwarded-for')?.split(',').map((s) => s.trim()).filter(Boolean);
    if (forwarded?.length) return forwarded[forwarded.length - 1]!;
  }
  // @hono/node-server hands the Node request over as `env.incoming`; Workers have no socket here.
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket;
  return socket?.remoteAddress ?? 'unknown';
}

/** The browser a session starts for, as its person's session list shows it: address and user agent. */
export const requestClient = (c: Context<AppEnv>) => ({ ip: clientIp(c, c.var.deps.config.trustProxy ?? false), userAgent: c.req.header('user-agent') ?? null });
