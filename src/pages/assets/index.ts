import { Hono } from 'hono';
import type { AppEnv } from '../../lib/http';
import { APP_CSS } from './app.css';
import { APP_JS } from './app.js.js'; // app.js.ts: './app.js' would resolve to app.ts under tsx (npm start, the CLI)

/** A short content hash (FNV-1a), so asset URLs change when their content does and may be cached long. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

export const ASSET_VERSION = fingerprint(APP_CSS + APP_JS);

/** The tab's icon: the brand's red seal with 审, drawn (no font file, no request elsewhere). */
const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#b3261e"/><text x="16" y="23" font-size="19" text-anchor="middle" fill="#fff" font-family="sans-serif">审</text></svg>';
export const FAVICON_URL = `/assets/favicon.svg?v=${fingerprint(FAVICON)}`;

/** Text assets compiled into the bundle, so Node and Workers serve them alike; others register here. */
const ASSETS = new Map<string, { type: string; body: string }>([
  ['app.css', { type: 'text/css; charset=utf-8', body: APP_CSS }],
  ['app.js', { type: 'text/javascript; charset=utf-8', body: APP_JS }],
  ['favicon.svg', { type: 'image/svg+xml', body: FAVICON }],
]);

export function registerAsset(name: string, type: string, body: string): void {
  ASSETS.set(name, { type, body });
}

/** Pages' stylesheets and scripts, from this origin only (campus intranets block CDNs). */
export const assetsRouter = new Hono<AppEnv>()
  // Asked for by every browser whatever a page links: the seal, not a 404 in each page's console.
  .get('/favicon.ico', (c) => c.redirect(FAVICON_URL, 301))
  .get('/assets/:name{[\\w.-]+}', (c) => {
    const asset = ASSETS.get(c.req.param('name'));
    if (!asset) return c.notFound();
    // A versioned URL (?v=) never changes content; an unversioned one is revalidated.
    const cache = c.req.query('v') ? 'public, max-age=31536000, immutable' : 'public, max-age=300';
    return c.body(asset.body, 200, { 'Content-Type': asset.type, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
  });
