import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from 'hono';

/**
 * The API reference's renderer on Node, read once from the pinned npm package
 * (`@scalar/api-reference`); Workers serve the same file as a static asset (wrangler.toml [assets]).
 */
let script: Buffer | undefined;

export function serveDocsScript(c: Context): Response {
  script ??= readFileSync(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'));
  return c.body(new Uint8Array(script), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' });
}
