import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Context } from 'hono';
import { VENDOR_FILES, type VendorName } from '../pages/vendor';

/**
 * Browser bundles on Node, each read once from its pinned npm package: the API reference's renderer
 * (`@scalar/api-reference`) and the /vendor/ files (the draft editor). Workers serve the same files as
 * static assets (wrangler.toml [assets], filled by scripts/vendor-assets.ts).
 */
const require = createRequire(import.meta.url);
let script: Buffer | undefined;
const vendored = new Map<VendorName, Buffer>();

export function serveDocsScript(c: Context): Response {
  script ??= readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'));
  return c.body(new Uint8Array(script), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' });
}

export function serveVendorFile(c: Context, name: VendorName): Response {
  let bytes = vendored.get(name);
  if (!bytes) {
    bytes = readFileSync(require.resolve(VENDOR_FILES[name].file));
    vendored.set(name, bytes);
  }
  return c.body(new Uint8Array(bytes), 200, { 'content-type': VENDOR_FILES[name].type });
}
