import { Hono } from 'hono';
import type { AppEnv } from '../../lib/http';
import { pageCtx } from '../components/context';
import { renderPage } from '../components/render';
import { LoginPage } from './LoginPage';

/** `next` only ever leads within this site (never `//evil.example` or a full URL). */
export function safeNext(value: unknown): string {
  const next = typeof value === 'string' ? value : '';
  return /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

export const loginRouter = new Hono<AppEnv>().get('/login', (c) => {
  const ctx = pageCtx(c);
  return renderPage(c, <LoginPage ctx={ctx} next={safeNext(c.req.query('next'))} />);
});
