import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../lib/http';
import { registerAsset } from './assets';
import { pageCtx } from './components/context';
import { Layout } from './components/Layout';
import { renderPage } from './components/render';

/** A page's own style sheet or script, served from /assets like the app's (this origin, never inline). */
export function pageAsset(name: string, body: string): string {
  registerAsset(name, name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8', body);
  return `/assets/${name}`;
}

/** A page in the shared layout, with its own assets in <head>. */
export function renderInLayout(c: Context<AppEnv>, opts: { title: string; body: Child; css?: string; js?: string; status?: number; bare?: boolean }) {
  const head = (
    <>
      {opts.css ? <link rel="stylesheet" href={opts.css} /> : null}
      {opts.js ? <script src={opts.js} defer></script> : null}
    </>
  );
  return renderPage(
    c,
    <Layout ctx={pageCtx(c)} title={opts.title} bare={opts.bare} head={head}>
      {opts.body}
    </Layout>,
    (opts.status ?? 200) as ContentfulStatusCode,
  );
}
