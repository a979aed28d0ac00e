import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { AppEnv } from '../lib/http';
import type { Locale } from '../lib/i18n';
import { page } from './layout';

/**
 * Renders a page body inside the layout, with the page's own style sheet and script linked as files
 * from this origin (never inline, never from elsewhere). Pages are personal or capability-bound: no-store.
 */
export async function renderPage(c: Context<AppEnv>, opts: { title: string; locale: Locale; body: Child; css?: string; js?: string; status?: number }) {
  const node = (
    <>
      {opts.css ? <link rel="stylesheet" href={opts.css} /> : ''}
      {opts.body}
      {opts.js ? <script src={opts.js} defer></script> : ''}
    </>
  );
  c.header('Cache-Control', 'no-store');
  return c.html(page({ title: opts.title, locale: opts.locale, body: raw(await node.toString()) }), (opts.status ?? 200) as 200);
}

/** A static text asset of a page (CSS or JS), cacheable for an hour. */
export const asset = (type: 'text/css' | 'text/javascript', body: string) => (c: Context<AppEnv>) =>
  c.body(body, 200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'public, max-age=3600' });
